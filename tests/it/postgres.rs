//! issue 12, sources: PostgreSQL against a real server. The harness makes a throwaway
//! cluster in a temporary folder (initdb), starts it on a free port with its socket in that
//! folder, loads the fixtures of `sources.rs`, runs `ignition`, and stops it. Without the
//! server's programs the test says so and passes, unless `IGNITION_REQUIRE_POSTGRES=1`
//! (CI), where it fails. As root, the server runs as the `postgres` user (initdb refuses
//! root).

use crate::common::{expect_code, ok};
use crate::sources::{
    check_hand_worked, field_sales, field_sales_csv_run, hand_worked, read_csv, Fixture, PLAN,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const USER: &str = "ignition";
const PASSWORD: &str = "s3cret";

/// The folder holding initdb, pg_ctl and postgres: `IGNITION_PG_BIN`, else Debian's newest
/// `/usr/lib/postgresql/N/bin`, else the one on PATH.
fn bin_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("IGNITION_PG_BIN") {
        return Some(PathBuf::from(d));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").is_file() && p.join("pg_ctl").is_file())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running throwaway cluster; stopped when dropped.
struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Server {
    /// A command of the server's, as the `postgres` user when this is root.
    fn cmd(&self, program: &str) -> Command {
        command(&self.bin, program, self.as_postgres, self.dir.path())
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("pg/data")
    }

    /// Start a cluster, or `None` (with a notice) when PostgreSQL is not installed.
    fn start() -> Option<Server> {
        let required = std::env::var("IGNITION_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let Some(bin) = bin_dir() else {
            assert!(
                !required,
                "IGNITION_REQUIRE_POSTGRES=1 but PostgreSQL's initdb was not found (install Debian's `postgresql` package, or set IGNITION_PG_BIN)"
            );
            eprintln!("NOTICE: PostgreSQL (initdb, pg_ctl) not found: the PostgreSQL source tests are skipped");
            return None;
        };
        let as_postgres = is_root();
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = dir.path().join("pg");
        std::fs::create_dir(&pg).expect("pg folder");
        std::fs::write(pg.join("pw"), PASSWORD).expect("password file");
        if as_postgres {
            // The server's user must reach its folder: the temporary folder is root's.
            let status = Command::new("chmod")
                .arg("755")
                .arg(dir.path())
                .status()
                .expect("chmod");
            assert!(status.success());
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&pg)
                .status()
                .expect("chown");
            assert!(status.success(), "chown to postgres failed");
        }
        let port = free_port();
        let server = Server {
            dir,
            bin,
            port,
            as_postgres,
        };
        let out = server
            .cmd("initdb")
            .arg("-D")
            .arg(server.data())
            .args([
                "-U",
                USER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ])
            .arg(format!("--pwfile={}", pg.join("pw").display()))
            .args(["--no-sync", "-E", "UTF8", "--locale=C"])
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = server
            .cmd("pg_ctl")
            .arg("-D")
            .arg(server.data())
            .arg("-l")
            .arg(pg.join("log"))
            .arg("-o")
            .arg(format!(
                "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={} -c fsync=off",
                pg.display()
            ))
            .args(["-w", "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "the server did not start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(pg.join("log")).unwrap_or_default()
        );
        Some(server)
    }

    fn url(&self, db: &str, password: &str) -> String {
        format!(
            "postgresql://{USER}:{password}@127.0.0.1:{}/{db}",
            self.port
        )
    }

    fn client(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(db, PASSWORD), postgres::NoTls)
            .expect("connected to the test server")
    }

    /// A new database holding `tables`, with PostgreSQL's types for the plan's.
    fn database(&self, name: &str, tables: &[Fixture]) {
        self.client("postgres")
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("database created");
        let mut c = self.client(name);
        for t in tables {
            let mut sql = t.create(|ty| {
                match ty {
                    "money" => "numeric(14,2)",
                    "date" => "date",
                    "integer" => "integer",
                    "real" => "double precision",
                    _ => "text",
                }
                .to_string()
            });
            sql.push_str(";\n");
            let (_, rows) = read_csv(&t.csv);
            for r in rows {
                let values: Vec<String> = r
                    .iter()
                    .map(|v| match v {
                        Some(v) => format!("'{}'", v.replace('\'', "''")),
                        None => "NULL".to_string(),
                    })
                    .collect();
                sql.push_str(&format!(
                    "INSERT INTO \"{}\" VALUES ({});\n",
                    t.name,
                    values.join(", ")
                ));
            }
            c.batch_execute(&sql).expect("fixture loaded");
        }
    }
}

fn command(bin: &Path, program: &str, as_postgres: bool, cwd: &Path) -> Command {
    let path = bin.join(program);
    let mut c = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    };
    c.current_dir(cwd);
    c
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// A folder with `plan` and an `ignition.toml` of `toml`.
fn workspace(plan: &str, toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("plan.plan"), plan).expect("plan");
    std::fs::write(dir.path().join("ignition.toml"), toml).expect("project");
    dir
}

/// `ignition run` in a workspace with `CRM_URL` set to `url`; exit 2 and its diagnostics.
fn failing(server_url: Option<&str>, plan: &str, toml: &str) -> String {
    let dir = workspace(plan, toml);
    let mut cmd = crate::common::ignition();
    cmd.current_dir(dir.path())
        .args(["run", "plan.plan", "--format", "csv"]);
    match server_url {
        Some(u) => cmd.env("CRM_URL", u),
        None => cmd.env_remove("CRM_URL"),
    };
    let o = crate::common::outcome(&mut cmd);
    expect_code(&o, 2);
    assert!(
        !o.stderr.contains(PASSWORD) && !o.stderr.contains("wrong-password"),
        "a password was shown:\n{}",
        o.stderr
    );
    o.stderr
}

const HAND_TOML: &str = "[inputs.reps]\npostgres = { env = \"CRM_URL\" }\ntable = \"reps\"\n\n\
                         [inputs.deals]\npostgres = { env = \"CRM_URL\" }\n\
                         query = \"SELECT deal_id, rep_id, amount, closed_on, stage FROM deals ORDER BY deal_id\"\n";

#[test]
fn postgres_sources() {
    let Some(server) = Server::start() else {
        return;
    };
    // The field-sales example from PostgreSQL: the same run, byte for byte, as from CSV.
    server.database("fieldsales", &field_sales());
    let toml = "[inputs.reps]\npostgres = { env = \"CRM_URL\" }\ntable = \"reps\"\n\n\
                [inputs.deals]\npostgres = { env = \"CRM_URL\" }\ntable = \"deals\"\n\n\
                [inputs.activities]\npostgres = { env = \"CRM_URL\" }\ntable = \"activities\"\n";
    let plan = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/field-sales/plan.plan"),
    )
    .expect("plan");
    let dir = workspace(&plan, toml);
    for format in ["csv", "json"] {
        let o = crate::common::outcome(
            crate::common::ignition()
                .current_dir(dir.path())
                .env("CRM_URL", server.url("fieldsales", PASSWORD))
                .args(["run", "plan.plan", "--format", format]),
        );
        assert_eq!(ok(&o), field_sales_csv_run(format), "--format {format}");
    }

    // The hand-worked plan, a table and a query.
    server.database("crm", &hand_worked());
    let url = server.url("crm", PASSWORD);
    let dir = workspace(PLAN, HAND_TOML);
    let o = crate::common::outcome(
        crate::common::ignition()
            .current_dir(dir.path())
            .env("CRM_URL", &url)
            .args(["run", "plan.plan", "--format", "csv"]),
    );
    check_hand_worked(ok(&o));
    let o = crate::common::outcome(
        crate::common::ignition()
            .current_dir(dir.path())
            .env("CRM_URL", &url)
            .args([
                "explain",
                "plan.plan",
                "--participant",
                "r2",
                "--period",
                "2026-Q1",
                "bookings",
            ]),
    );
    insta::assert_snapshot!("postgres_explain", ok(&o));

    // Bad input: each a located diagnostic, exit 2, no password shown.
    let mut bad = hand_worked();
    bad[1].types = vec![("amount", "real"), ("closed_on", "integer")];
    bad[1].csv = bad[1].csv.replace("2026-", "2026").replace("-", "");
    bad[1].name = "deals_typed";
    server.database("wrongtypes", &bad);
    let wrong_column_type = failing(
        Some(&server.url("wrongtypes", PASSWORD)),
        PLAN,
        &HAND_TOML.replace("FROM deals", "FROM deals_typed"),
    );
    let mut c = server.client("crm");
    c.batch_execute(
        "CREATE TABLE deals_text AS SELECT deal_id, rep_id, amount::text AS amount, closed_on, stage FROM deals;
         UPDATE deals_text SET amount = 'n/a' WHERE deal_id = 'd1';
         UPDATE deals_text SET amount = '1,234.50' WHERE deal_id = 'd2';
         CREATE TABLE deals_float AS SELECT deal_id, rep_id, (0.1::float8 + 0.2::float8) AS amount, closed_on, stage FROM deals;",
    )
    .expect("bad tables");
    let wrong_value = failing(
        Some(&url),
        PLAN,
        &HAND_TOML.replace("FROM deals", "FROM deals_text"),
    );
    let inexact = failing(
        Some(&url),
        PLAN,
        &HAND_TOML.replace("FROM deals", "FROM deals_float"),
    );
    let missing_column = failing(
        Some(&url),
        PLAN,
        &HAND_TOML.replace("closed_on, stage FROM", "closed_on AS closed, stage FROM"),
    );
    let missing_table = failing(
        Some(&url),
        PLAN,
        &HAND_TOML.replace("table = \"reps\"", "table = \"rep\""),
    );
    let wrong_password = failing(Some(&server.url("crm", "wrong-password")), PLAN, HAND_TOML);
    let closed = free_port();
    let unreachable = failing(
        Some(&format!(
            "postgresql://{USER}:{PASSWORD}@127.0.0.1:{closed}/crm"
        )),
        PLAN,
        HAND_TOML,
    );
    let no_env = failing(None, PLAN, HAND_TOML);
    drop(server);
    insta::assert_snapshot!("postgres_wrong_column_type", wrong_column_type);
    insta::assert_snapshot!("postgres_wrong_value", wrong_value);
    insta::assert_snapshot!("postgres_inexact_float", inexact);
    insta::assert_snapshot!("postgres_missing_column", missing_column);
    insta::assert_snapshot!("postgres_missing_table", missing_table);
    insta::assert_snapshot!("postgres_wrong_password", wrong_password);
    insta::assert_snapshot!("postgres_unreachable", unreachable);
    insta::assert_snapshot!("postgres_no_env", no_env);
}
