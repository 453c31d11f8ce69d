//! issue 11, dashboard: the dashboard as an XLSX workbook (rust_xlsxwriter): a sheet
//! `dashboard` with the reps in attention order and their scorecard scores, then a sheet
//! per family with each KPI's value, target, attainment and status, then a sheet `causes`
//! with each KPI below target, worst first, and each driver's part of its gap. Numbers are number cells with the KPI's format
//! (amounts `#,##0.00`, percents `0.00%`); text is always a string cell, never a formula,
//! and text that starts like one (`=`, `+`, `-`, `@`) also gets Excel's quote prefix, so
//! editing the cell does not turn it into one either.

use super::{Cell, Dashboard, Rep, FAMILIES};
use crate::num::Num;
use crate::types::Type;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

struct Formats {
    head: Format,
    head_quoted: Format,
    text: Format,
    quoted: Format,
    money: Format,
    percent: Format,
    integer: Format,
    number: Format,
}

/// Whether a text starts like a formula (as `csv_text` tests it).
fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn text(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    let format = if formula_like(s) { &f.quoted } else { &f.text };
    ws.write_string_with_format(row, col, s, format)?;
    Ok(())
}

/// A column's heading: bold, and quoted like [`text`] (a KPI's label is the plan's text).
fn head(ws: &mut Worksheet, f: &Formats, col: u16, s: &str) -> Result<(), XlsxError> {
    let format = if formula_like(s) {
        &f.head_quoted
    } else {
        &f.head
    };
    ws.write_string_with_format(0, col, s, format)?;
    Ok(())
}

fn number(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    n: &Num,
    ty: &Type,
) -> Result<(), XlsxError> {
    // A spreadsheet's number is a double: the exact value is in CSV.
    let Some(x) = n.approx().to_f64() else {
        return Ok(());
    };
    let format = match ty {
        Type::Money(_) => &f.money,
        Type::Percent => &f.percent,
        Type::Integer | Type::Days => &f.integer,
        _ => &f.number,
    };
    ws.write_number_with_format(row, col, x, format)?;
    Ok(())
}

fn who(ws: &mut Worksheet, f: &Formats, row: u32, r: &Rep) -> Result<(), XlsxError> {
    text(ws, f, row, 0, &r.id)?;
    text(ws, f, row, 1, r.name.as_deref().unwrap_or(""))?;
    text(ws, f, row, 2, r.manager.as_deref().unwrap_or(""))?;
    Ok(())
}

/// The workbook's bytes.
pub fn render(d: &Dashboard) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        head: Format::new().set_bold(),
        head_quoted: Format::new().set_bold().set_quote_prefix(),
        text: Format::new(),
        quoted: Format::new().set_quote_prefix(),
        money: Format::new().set_num_format("#,##0.00"),
        percent: Format::new().set_num_format("0.00%"),
        integer: Format::new().set_num_format("0"),
        number: Format::new().set_num_format("0.####"),
    };
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("dashboard")?;
        let heads = [
            "participant",
            "name",
            "manager",
            "rank",
            "red",
            "amber",
            "green",
            "lowest attainment",
        ];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        }
        // issue 11, scorecards: a column per scorecard, then the period.
        let scores = heads.len() as u16;
        for (j, name) in d.scorecards.iter().enumerate() {
            head(ws, &f, scores + j as u16, name)?;
            ws.set_column_width(scores + j as u16, 14)?;
        }
        let period = scores + d.scorecards.len() as u16;
        ws.write_string_with_format(0, period, "period", &f.head)?;
        for (i, r) in d.reps.iter().enumerate() {
            let row = i as u32 + 1;
            who(ws, &f, row, r)?;
            ws.write_number(row, 3, (i + 1) as f64)?;
            ws.write_number(row, 4, r.red as f64)?;
            ws.write_number(row, 5, r.amber as f64)?;
            ws.write_number(row, 6, r.green as f64)?;
            if let Some(a) = r.lowest.and_then(|a| a.to_f64()) {
                ws.write_number_with_format(row, 7, a, &f.percent)?;
            }
            for (j, score) in r.scores.iter().enumerate() {
                let col = scores + j as u16;
                match score {
                    Some(n) => number(ws, &f, row, col, n, &Type::Percent)?,
                    None => text(ws, &f, row, col, "ERROR")?,
                }
            }
            text(ws, &f, row, period, &d.period)?;
        }
        ws.set_freeze_panes(1, 1)?;
        ws.set_column_width(1, 22)?;
        ws.set_column_width(7, 16)?;
    }
    for fam in FAMILIES {
        let idx: Vec<usize> = (0..d.kpis.len())
            .filter(|&k| d.kpis[k].family == fam)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(fam)?;
        for (c, h) in ["participant", "name", "manager"].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        }
        for (j, &k) in idx.iter().enumerate() {
            let col = 3 + 4 * j as u16;
            let label = &d.kpis[k].label;
            for (o, suffix) in ["", " target", " attainment", " status"].iter().enumerate() {
                head(ws, &f, col + o as u16, &format!("{label}{suffix}"))?;
            }
            ws.set_column_width(col, 14)?;
        }
        for (i, r) in d.reps.iter().enumerate() {
            let row = i as u32 + 1;
            who(ws, &f, row, r)?;
            for (j, &k) in idx.iter().enumerate() {
                let col = 3 + 4 * j as u16;
                let c: &Cell = &r.cells[k];
                let ty = &d.kpis[k].ty;
                match &c.exact {
                    Some(n) => number(ws, &f, row, col, n, ty)?,
                    None => text(ws, &f, row, col, &c.value)?,
                }
                if let Some(t) = &c.target_exact {
                    number(ws, &f, row, col + 1, t, ty)?;
                }
                if let Some(a) = c.attainment.and_then(|a| a.to_f64()) {
                    ws.write_number_with_format(row, col + 2, a, &f.percent)?;
                }
                text(ws, &f, row, col + 3, c.status.word())?;
            }
        }
        ws.set_freeze_panes(1, 1)?;
        ws.set_column_width(1, 22)?;
    }
    causes(&mut wb, &f, d)?;
    wb.save_to_buffer()
}

/// The sheet `causes`: a row per KPI below target (the rep's worst first, reps in
/// attention order), and for a KPI with drivers a row per driver's part of its gap.
fn causes(wb: &mut Workbook, f: &Formats, d: &Dashboard) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("causes")?;
    let heads = [
        "participant",
        "name",
        "manager",
        "rank",
        "kpi",
        "label",
        "status",
        "gap",
        "driver",
        "part of the gap",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head)?;
    }
    let mut row = 0u32;
    for (i, r) in d.reps.iter().enumerate() {
        for c in &r.causes {
            let kpi = &d.kpis[c.kpi];
            // A KPI without drivers is one row; with drivers, one row per part.
            let parts = c.drivers.len().max(1);
            for j in 0..parts {
                row += 1;
                who(ws, f, row, r)?;
                ws.write_number(row, 3, (i + 1) as f64)?;
                text(ws, f, row, 4, &kpi.name)?;
                text(ws, f, row, 5, &kpi.label)?;
                text(ws, f, row, 6, c.status.word())?;
                number(ws, f, row, 7, &c.gap_exact, &kpi.ty)?;
                if let Some(part) = c.drivers.get(j) {
                    text(ws, f, row, 8, &part.what)?;
                    number(ws, f, row, 9, &part.effect, &kpi.ty)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 1)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(5, 22)?;
    ws.set_column_width(8, 26)?;
    ws.set_column_width(9, 14)?;
    Ok(())
}
