//! issue 11, dashboard: the dashboard as an XLSX workbook (rust_xlsxwriter): a sheet
//! `dashboard` with the reps in attention order, then a sheet per family with each KPI's
//! value, target, attainment and status. Numbers are number cells with the KPI's format
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
    text: Format,
    quoted: Format,
    money: Format,
    percent: Format,
    integer: Format,
    number: Format,
}

fn text(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    let format = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        &f.quoted
    } else {
        &f.text
    };
    ws.write_string_with_format(row, col, s, format)?;
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
            "period",
        ];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        }
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
            text(ws, &f, row, 8, &d.period)?;
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
                ws.write_string_with_format(
                    0,
                    col + o as u16,
                    format!("{label}{suffix}"),
                    &f.head,
                )?;
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
    wb.save_to_buffer()
}
