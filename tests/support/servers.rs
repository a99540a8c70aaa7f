//! Real servers on 127.0.0.1 for tests: started on a free port, killed on drop.
use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::proxy::{Fault, Proxy, Rule};

pub const PYPISERVER: &str = "pypiserver==2.4.2";

/// A server process, killed when the test ends, passed or not.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago. Another process can take it before the server binds
/// it, so `start_server` retries with a new one.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind an ephemeral port on 127.0.0.1")
        .port()
}

/// The status of `GET path`, with plain std so that readiness does not depend on the code
/// under test.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Starts `command(port)` on a free port and waits until `ready_path` answers 200. When the
/// server dies first (the port was taken meanwhile) or never gets ready, tries another port.
pub fn start_server(
    name: &str,
    log_dir: &Path,
    command: impl Fn(u16) -> Command,
    ready_path: &str,
) -> Server {
    let log_path = log_dir.join(format!("{name}.log"));
    for _ in 0..5 {
        let port = free_port();
        let log = fs::File::create(&log_path).unwrap();
        let child = command(port)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|err| panic!("start {name}: {err}"));
        let mut server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if http_status(port, ready_path) == Some(200) {
                return server;
            }
            if server.child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Dropping `server` kills whatever is left before the next try.
    }
    panic!(
        "{name} did not start on 127.0.0.1; its log:\n{}",
        fs::read_to_string(&log_path).unwrap_or_default()
    );
}

pub fn find_in_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

pub fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("run {command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `pypi-server` from PATH, else from `target/tools/venv` (scripts/tools.sh installs it).
pub fn pypi_server() -> PathBuf {
    find_in_path("pypi-server")
        .or_else(|| {
            let program = tools_dir().join("venv/bin/pypi-server");
            program.is_file().then_some(program)
        })
        .unwrap_or_else(|| super::tools::missing(&format!("pypiserver ({PYPISERVER})")))
}

/// `target/tools`: test tools installed once per machine (CI installs them once per run).
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target folder")
        .join("tools")
}

/// estuary, a real cargo registry (publish, yank, a git index over HTTP), which
/// `scripts/tools.sh` installs into `target/tools/bin` (a few minutes, once).
pub fn estuary() -> PathBuf {
    let program = tools_dir().join("bin/estuary");
    if !program.is_file() {
        super::tools::missing("estuary");
    }
    program
}

/// A cargo registry and a Python index on 127.0.0.1, each in its own folder.
pub struct Registries {
    pub dir: tempfile::TempDir,
    pub cargo: Server,
    pub pypi: Server,
    /// The Python index's upload address goes through this proxy, so a test can take the
    /// uploads down after the crates are out ([`Registries::refuse_uploads`]) and back.
    pub uploads: Proxy,
}

impl Registries {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("registries-")
            .tempdir()
            .unwrap();
        let cargo = start_estuary(dir.path(), |port| format!("http://127.0.0.1:{port}"));
        let pypi = start_pypi(dir.path(), &dir.path().join("pkgs"));
        let uploads = Proxy::bind();
        uploads.forward_to(pypi.port);
        Self {
            dir,
            cargo,
            pypi,
            uploads,
        }
    }

    pub fn cargo_index(&self) -> String {
        format!("http://127.0.0.1:{}/git/index", self.cargo.port)
    }

    pub fn simple_url(&self) -> String {
        format!("http://127.0.0.1:{}/simple/", self.pypi.port)
    }

    pub fn publish_url(&self) -> String {
        format!("{}/", self.uploads.url())
    }

    /// From the next upload on, the Python index is unreachable for uploads: the first
    /// one's connection closes before it reaches the index (`tests/faults.rs`'s
    /// `file1-die-before`), and so does every later one until [`Registries::heal_uploads`].
    pub fn refuse_uploads(&self) {
        self.uploads
            .arm(Rule::new("POST", "/", 1, Fault::DieBefore));
    }

    /// Uploads reach the index again, at the same address.
    pub fn heal_uploads(&self) {
        self.uploads.heal();
    }
}

/// estuary keeping its crates and index in `dir`; `base_url(port)` is the address it
/// tells cargo to use (its own, or that of a proxy in front of it).
pub fn start_estuary(dir: &Path, base_url: impl Fn(u16) -> String) -> Server {
    let program = estuary();
    let (crates, index) = (dir.join("est/crates"), dir.join("est/index"));
    start_server(
        "estuary",
        dir,
        |port| {
            let mut cmd = Command::new(&program);
            cmd.arg("--base-url")
                .arg(base_url(port))
                .arg("--crate-dir")
                .arg(&crates)
                .arg("--index-dir")
                .arg(&index)
                .args(["--http-host", "127.0.0.1", "--http-port", &port.to_string()]);
            cmd
        },
        "/git/index/info/refs?service=git-upload-pack",
    )
}

/// pypiserver serving (and accepting uploads into) `packages`, its log in `dir`.
pub fn start_pypi(dir: &Path, packages: &Path) -> Server {
    let program = pypi_server();
    fs::create_dir_all(packages).unwrap();
    start_server(
        "pypiserver",
        dir,
        |port| {
            let mut cmd = Command::new(&program);
            cmd.args(["run", "-i", "127.0.0.1", "-p", &port.to_string()])
                .args(["-a", ".", "-P", ".", "--disable-fallback"])
                .arg(packages);
            cmd
        },
        "/health",
    )
}
