//! The integration tests, in one test binary (one module per area) so that they link once.

mod common;
mod checker_defects;
mod cli;
mod data_hostile;
mod diagnostics;
mod diff_cli;
mod eval_rules;
mod exact_props;
mod expect_types;
mod explain_cli;
mod explain_schema;
mod explain_snapshots;
mod filters_cli;
mod fmt_cli;
mod fmt_props;
mod fuzz;
mod hostile;
mod hostile_values;
mod output_cli;
mod properties;
mod scale_cli;
mod test_cli;
