//! The `cartd` binary's user and key commands, run as a person would: a fresh database per
//! test, the password piped on standard input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Cli {
    _dir: tempfile::TempDir,
    url: String,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("cli.db").display());
        Cli { _dir: dir, url }
    }

    /// Runs `cartd --database-url URL ARGS…` with `stdin` piped in.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cartd"));
        for (name, _) in std::env::vars() {
            if name.starts_with("CARTD_") {
                command.env_remove(name);
            }
        }
        let mut child = command
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .current_dir(self._dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // cartd reads one line at most, or nothing when it refuses its arguments: a closed
        // pipe is expected then.
        if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "cartd {args:?} failed ({}):\n{stdout}\n{stderr}", out.status);
        stdout.into_owned()
    }

    fn fails(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "cartd {args:?} should fail:\n{}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

#[test]
fn users_and_keys_from_the_command_line() {
    let cli = Cli::new();
    let added = cli.ok(
        &["user", "add", "--login", "alice", "--email", "alice@example.com", "--role", "customer"],
        "open sesame\nnot part of the password\n",
    );
    assert_eq!(added, "user 1 created (alice, customer)\n");
    let added = cli.ok(
        &[
            "user",
            "add",
            "--login",
            "boss",
            "--email",
            "boss@example.com",
            "--role",
            "administrator",
            "--display-name",
            "The Boss",
            "--id",
            "10",
        ],
        "another secret\r\n",
    );
    assert_eq!(added, "user 10 created (boss, administrator)\n");

    let listed = cli.ok(&["user", "list"], "");
    let lines: Vec<Vec<&str>> = listed.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(
        lines,
        [
            vec!["ID", "LOGIN", "EMAIL", "ROLES"],
            vec!["1", "alice", "alice@example.com", "customer"],
            vec!["10", "boss", "boss@example.com", "administrator"],
        ],
        "{listed}"
    );
    assert!(!listed.contains('$'), "no password hash is listed: {listed}");

    let created = cli.ok(&["keys", "create", "--user", "ALICE@example.com", "--permissions", "read_write"], "");
    let value = |prefix: &str| {
        created
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {prefix} line in {created}"))
    };
    let (key, secret) = (value("consumer_key:"), value("consumer_secret:"));
    let hex40 = |v: &str| v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    assert!(key.strip_prefix("ck_").is_some_and(hex40), "{key}");
    assert!(secret.strip_prefix("cs_").is_some_and(hex40), "{secret}");
    assert!(created.contains("will not be shown again"), "{created}");
    assert!(created.contains("created for alice (user 1)"), "{created}");

    let duplicate =
        cli.fails(&["user", "add", "--login", "Alice", "--email", "other@example.com", "--role", "customer"], "pw\n");
    assert!(duplicate.contains("the login \"Alice\" is already used by user 1"), "{duplicate}");
    let unknown = cli.fails(&["keys", "create", "--user", "nobody", "--permissions", "read"], "");
    assert!(unknown.contains("no user has the login or e-mail address \"nobody\""), "{unknown}");
    assert_eq!(cli.ok(&["user", "list"], "").lines().count(), 3, "the refused user was not stored");
}

#[test]
fn passwords_never_come_from_argv_and_must_be_usable() {
    let cli = Cli::new();
    let add = ["user", "add", "--login", "bob", "--email", "bob@example.com", "--role", "customer"];
    let empty = cli.fails(&add, "\n");
    assert!(empty.contains("the password must not be empty"), "{empty}");
    let nothing = cli.fails(&add, "");
    assert!(nothing.contains("the password must not be empty"), "{nothing}");
    let long = cli.fails(&add, &format!("{}\n", "x".repeat(5000)));
    assert!(long.contains("longer than 4096 bytes"), "{long}");
    let flag = cli.fails(&[&add[..], &["--password", "x"]].concat(), "pw\n");
    assert!(flag.contains("--password"), "there is no password flag: {flag}");
    let role = cli.fails(&["user", "add", "--login", "bob", "--email", "bob@example.com", "--role", "editor"], "pw\n");
    assert!(role.contains("editor"), "{role}");
    assert_eq!(cli.ok(&["user", "list"], ""), "no users\n");
}

#[test]
fn settings_users_are_imported() {
    let cli = Cli::new();
    let file = cli._dir.path().join("store.toml");
    std::fs::write(
        &file,
        r#"
[[users]]
id = 7
login = "carol"
email = "carol@example.com"
role = "shop_manager"
password_hash = "$P$BcartdtstgBDRpB8YRc4XtcedoCVmz/"
[users.billing]
country = "gb"
"#,
    )
    .unwrap();
    let out = cli.ok(&["import", "settings", file.to_str().unwrap()], "");
    assert!(out.contains("1 users imported (1 new, 0 updated)"), "{out}");
    let again = cli.ok(&["import", "settings", file.to_str().unwrap()], "");
    assert!(again.contains("1 users imported (0 new, 1 updated)"), "{again}");
    let listed = cli.ok(&["user", "list"], "");
    assert!(listed.lines().any(|l| l.split_whitespace().eq(["7", "carol", "carol@example.com", "shop_manager"])));
}
