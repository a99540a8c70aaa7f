//! Registry look-ups against real servers on 127.0.0.1: a sparse cargo index served by
//! `python3 -m http.server`, a PyPI-compatible index (pypiserver), and raw sockets for what
//! real servers do not do on demand (never answering, redirecting, failing).
//!
//! pypiserver is taken from PATH, else installed once into `target/tools/venv` (the folder
//! `scripts/test.sh` also uses), so a second run costs nothing.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::process::Command;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cargo_pyrelease::registry::{CratesIndex, PyIndex};

use crate::support;
use support::servers::{free_port, pypi_server, start_pypi, start_server};

const TIMEOUT: Duration = Duration::from_secs(10);
/// What a test server thread answers: a status line, headers and a body.
struct Canned {
    path: &'static str,
    status: &'static str,
    headers: Vec<String>,
    body: String,
}

/// A tiny HTTP server on a thread answering from a fixed table (404 otherwise) and recording
/// each request head, for behaviour real index servers do not show on demand.
fn canned_server(routes: Vec<Canned>) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let path = head.split(' ').nth(1).unwrap_or_default().to_string();
            seen.lock().unwrap().push(head);
            let (status, headers, body) = match routes.iter().find(|r| r.path == path) {
                Some(route) => (
                    route.status,
                    route.headers.join("\r\n"),
                    route.body.as_str(),
                ),
                None => ("404 Not Found", String::new(), "not found"),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{headers}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, heads)
}

#[test]
fn sparse_index_lists_versions_with_yanked_flags() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let entry = |name: &str, vers: &str, yanked: bool| {
        format!(
            r#"{{"name":"{name}","vers":"{vers}","deps":[],"cksum":"00","features":{{}},"yanked":{yanked}}}"#
        )
    };
    for (path, lines) in [
        (
            "3/a/abc",
            vec![
                entry("abc", "0.1.0", false),
                entry("abc", "0.2.0", true),
                entry("abc", "0.3.0-alpha.1", false),
            ],
        ),
        ("ab/cd/abcdef", vec![entry("abcdef", "1.0.0", false)]),
        ("3/b/bad", vec!["<html>not an index</html>".to_string()]),
    ] {
        let file = index.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, lines.join("\n") + "\n").unwrap();
    }
    fs::write(
        index.join("config.json"),
        r#"{"dl":"http://127.0.0.1/unused"}"#,
    )
    .unwrap();
    let server = start_server(
        "http.server",
        dir.path(),
        |port| {
            let mut command = Command::new("python3");
            command
                .args(["-m", "http.server", "--bind", "127.0.0.1"])
                .arg(port.to_string())
                .arg("--directory")
                .arg(&index);
            command
        },
        "/config.json",
    );
    // Cargo's spelling of a sparse registry URL, without the trailing slash.
    let registry = CratesIndex::new(&format!("sparse+http://127.0.0.1:{}", server.port), TIMEOUT);
    assert_eq!(
        registry.base_url(),
        format!("http://127.0.0.1:{}/", server.port)
    );

    let abc: Vec<(String, bool)> = registry
        .versions("abc")
        .unwrap()
        .into_iter()
        .map(|v| (v.version.to_string(), v.yanked))
        .collect();
    assert_eq!(
        abc,
        [
            ("0.1.0".to_string(), false),
            ("0.2.0".to_string(), true),
            ("0.3.0-alpha.1".to_string(), false),
        ]
    );
    // The index path is lowercased, as cargo does.
    assert_eq!(registry.versions("ABC").unwrap().len(), 3);
    let abcdef = registry.versions("abcdef").unwrap();
    assert_eq!(abcdef.len(), 1);
    assert_eq!(abcdef[0].version, semver::Version::new(1, 0, 0));
    assert!(!abcdef[0].yanked);

    // 404: never published.
    assert!(registry.versions("nope").unwrap().is_empty());
    assert!(registry.versions("abcd").unwrap().is_empty());

    // 200 with something else than index lines: an error, not "never published".
    let err = registry.versions("bad").unwrap_err();
    let url = format!("http://127.0.0.1:{}/3/b/bad", server.port);
    assert_eq!(
        err.message,
        format!(
            "`{url}` did not return a cargo index file: line 1: expected value at line 1 column 1"
        )
    );
    assert!(err.help.unwrap().contains("sparse cargo index"));
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs pypiserver: scripts/test.sh runs it"
)]
fn pypiserver_lists_files_and_versions() {
    let started = Instant::now();
    pypi_server();
    let install = started.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let packages = dir.path().join("packages");
    fs::create_dir(&packages).unwrap();
    // pypiserver lists files by name only: the contents need not be real archives.
    for file in [
        "demo_pkg-1.2.0-py3-none-any.whl",
        "demo_pkg-1.3.0rc1.tar.gz",
    ] {
        fs::write(packages.join(file), b"dummy").unwrap();
    }
    let server = start_pypi(dir.path(), &packages);
    let index = PyIndex::new(&format!("http://127.0.0.1:{}/simple", server.port), TIMEOUT);

    let mut files = index.files("Demo.Pkg").unwrap();
    files.sort();
    assert_eq!(
        files,
        [
            "demo_pkg-1.2.0-py3-none-any.whl",
            "demo_pkg-1.3.0rc1.tar.gz"
        ]
    );
    let expected: Vec<pep440_rs::Version> = ["1.2.0", "1.3.0rc1"]
        .iter()
        .map(|v| pep440_rs::Version::from_str(v).unwrap())
        .collect();
    assert_eq!(index.versions("Demo.Pkg").unwrap(), expected);
    assert_eq!(index.versions("demo_pkg").unwrap(), expected);

    assert!(index.files("no-such-project").unwrap().is_empty());
    assert!(index.versions("no-such-project").unwrap().is_empty());

    // Seen with `cargo test -- --nocapture`: what the first run pays for the install.
    eprintln!("pypi-server found or installed in {install:?}");
}

#[test]
fn a_silent_server_times_out_naming_the_url() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts every connection and never answers; the streams stay open until the test ends.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let timeout = Duration::from_secs(1);

    let started = Instant::now();
    let err = PyIndex::new(&format!("http://127.0.0.1:{port}/simple/"), timeout)
        .files("demo")
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.message,
        format!("could not read `http://127.0.0.1:{port}/simple/demo/`: timed out after 1 s")
    );
    assert_eq!(
        err.help.as_deref(),
        Some("check your network or pass `--offline`")
    );
    assert_eq!(err.to_string(), err.message);

    let err = CratesIndex::new(&format!("http://127.0.0.1:{port}/"), timeout)
        .versions("abcdef")
        .unwrap_err();
    assert_eq!(
        err.message,
        format!("could not read `http://127.0.0.1:{port}/ab/cd/abcdef`: timed out after 1 s")
    );
}

#[test]
fn a_refused_connection_names_the_url() {
    // A port that was just free: nothing listens there.
    let port = free_port();
    let err = CratesIndex::new(&format!("http://127.0.0.1:{port}"), TIMEOUT)
        .versions("abc")
        .unwrap_err();
    assert!(
        err.message.starts_with(&format!(
            "could not read `http://127.0.0.1:{port}/3/a/abc`: "
        )),
        "{}",
        err.message
    );
    assert!(err.help.unwrap().contains("--offline"));
}

#[test]
fn redirects_are_followed_and_json_pages_are_read() {
    let json = r#"{"meta":{"api-version":"1.1"},"name":"demo-pkg","files":[
        {"filename":"demo_pkg-2.0.0-cp39-abi3-manylinux_2_17_x86_64.whl","url":"x","hashes":{}},
        {"filename":"demo_pkg-2.0.0.tar.gz","url":"y","hashes":{},"yanked":true}]}"#;
    let (port, heads) = canned_server(vec![
        Canned {
            path: "/old/demo-pkg/",
            status: "301 Moved Permanently",
            headers: vec!["Location: /new/demo-pkg/".to_string()],
            body: String::new(),
        },
        Canned {
            path: "/new/demo-pkg/",
            status: "200 OK",
            headers: vec!["Content-Type: application/vnd.pypi.simple.v1+json".to_string()],
            body: json.to_string(),
        },
        Canned {
            path: "/down/demo-pkg/",
            status: "503 Service Unavailable",
            headers: vec!["Content-Type: text/html".to_string()],
            body: "<html>maintenance</html>".to_string(),
        },
    ]);

    let index = PyIndex::new(&format!("http://127.0.0.1:{port}/old/"), TIMEOUT);
    assert_eq!(
        index.versions("Demo_Pkg").unwrap(),
        [pep440_rs::Version::from_str("2.0.0").unwrap()]
    );
    let first = heads.lock().unwrap()[0].to_ascii_lowercase();
    assert!(first.starts_with("get /old/demo-pkg/ http/1.1"), "{first}");
    assert!(
        first.contains("accept: application/vnd.pypi.simple.v1+json, text/html;q=0.1"),
        "{first}"
    );
    assert!(first.contains("user-agent: cargo-pyrelease/"), "{first}");

    // A server error is an error, never "not published"; credentials in the URL stay hidden.
    let err = PyIndex::new(
        &format!("http://user:secret@127.0.0.1:{port}/down/"),
        TIMEOUT,
    )
    .files("demo-pkg")
    .unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "could not read `http://***@127.0.0.1:{port}/down/demo-pkg/`: HTTP status 503 (Service Unavailable)"
        )
    );
    assert!(err.help.unwrap().contains("retry later"));
}

/// `status --published --downloads` reads crates.io's version page; a canned one here.
#[test]
fn crate_downloads_come_from_the_crates_io_api() {
    let (port, heads) = canned_server(vec![Canned {
        path: "/api/v1/crates/demo/1.2.0",
        status: "200 OK",
        headers: vec!["Content-Type: application/json".to_string()],
        body: r#"{"version": {"num": "1.2.0", "downloads": 4242, "yanked": false}}"#.to_string(),
    }]);
    let api = format!("http://127.0.0.1:{port}/api/v1");
    let v = |s: &str| semver::Version::parse(s).unwrap();
    assert_eq!(
        cargo_pyrelease::registry::crate_downloads(&api, "demo", &v("1.2.0")).unwrap(),
        Some(4242)
    );
    assert_eq!(
        cargo_pyrelease::registry::crate_downloads(&api, "demo", &v("9.9.9")).unwrap(),
        None
    );
    assert!(
        heads.lock().unwrap()[0]
            .to_lowercase()
            .contains("user-agent: cargo-pyrelease/")
    );
}
