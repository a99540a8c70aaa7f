//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1, in front of a real server (estuary,
//! pypiserver). Healthy, it forwards every request and its answer unchanged (one request
//! per connection: it answers `Connection: close`, which every client honours). With a
//! [`Rule`], the Nth request matching a method and a path pattern gets a [`Fault`]: the
//! proxy dies before forwarding it, after the server handled it but before answering, or
//! in the middle of the answer; or it answers 500 or 429 itself; or it SIGKILLs the
//! process group of the tool under test at that moment. A proxy that died stays dead
//! (every later connection is closed unanswered) until [`Proxy::heal`]: a server that
//! is down, not a blip a client's retry would hide.
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The connection closes before the request reaches the server; the proxy is down.
    DieBefore,
    /// The server handles the request (stores the upload); the client's connection
    /// closes before any answer; the proxy is down.
    DieAfter,
    /// The server handles it; the client gets the first half of the answer; down.
    DieMidway,
    /// The proxy answers `500 Internal Server Error` itself, to every matching request
    /// from the Nth on (until healed); the server never sees them.
    Status500,
    /// `429 Too Many Requests` with `Retry-After: SECS`, once: the next try goes through.
    TooMany { retry_after: u64 },
    /// SIGKILL of the tool's process group before the request is forwarded; down.
    KillBefore,
    /// SIGKILL once the server handled the request, before the tool hears back; down.
    KillAfter,
}

/// The Nth request (1-based) with this method whose path contains `path`, counted from
/// the moment `after` (a method and path, counted likewise) was seen `after_count` times.
#[derive(Clone, Debug)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub nth: usize,
    pub fault: Fault,
    pub after: Option<(&'static str, &'static str, usize)>,
}

impl Rule {
    pub fn new(method: &'static str, path: &'static str, nth: usize, fault: Fault) -> Self {
        Self {
            method,
            path,
            nth,
            fault,
            after: None,
        }
    }

    /// Counts only once `count` requests matching `method` and `path` went through.
    pub fn after(mut self, method: &'static str, path: &'static str, count: usize) -> Self {
        self.after = Some((method, path, count));
        self
    }
}

#[derive(Default)]
struct State {
    rule: Option<Rule>,
    /// Matching requests seen while the rule was armed.
    matched: usize,
    fired: bool,
    /// Every request seen: `METHOD path`.
    log: Vec<String>,
}

pub struct Proxy {
    pub port: u16,
    upstream: Arc<AtomicU32>,
    down: Arc<AtomicBool>,
    state: Arc<Mutex<State>>,
    /// The process group a `Kill*` fault kills (0: none yet).
    group: Arc<AtomicU32>,
}

impl Proxy {
    /// Binds a port now (a server may need to know its public address before it starts);
    /// requests are forwarded once [`Proxy::forward_to`] names the server's port.
    pub fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy on 127.0.0.1");
        let proxy = Self {
            port: listener.local_addr().unwrap().port(),
            upstream: Arc::default(),
            down: Arc::default(),
            state: Arc::default(),
            group: Arc::default(),
        };
        let shared = proxy.shared();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = shared.handle(client);
                });
            }
        });
        proxy
    }

    fn shared(&self) -> Shared {
        Shared {
            upstream: self.upstream.clone(),
            down: self.down.clone(),
            state: self.state.clone(),
            group: self.group.clone(),
        }
    }

    pub fn forward_to(&self, port: u16) {
        self.upstream.store(u32::from(port), Ordering::SeqCst);
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn arm(&self, rule: Rule) {
        let mut state = self.state.lock().unwrap();
        state.rule = Some(rule);
        state.matched = 0;
        state.fired = false;
    }

    /// The process group `Kill*` faults kill: the tool's, started with `process_group(0)`.
    pub fn kill_group(&self, pgid: u32) {
        self.group.store(pgid, Ordering::SeqCst);
    }

    /// Whether the rule's fault happened.
    pub fn fired(&self) -> bool {
        self.state.lock().unwrap().fired
    }

    /// Back to forwarding everything: the server is reachable again.
    pub fn heal(&self) {
        let mut state = self.state.lock().unwrap();
        state.rule = None;
        self.down.store(false, Ordering::SeqCst);
        self.group.store(0, Ordering::SeqCst);
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }
}

#[derive(Clone)]
struct Shared {
    upstream: Arc<AtomicU32>,
    down: Arc<AtomicBool>,
    state: Arc<Mutex<State>>,
    group: Arc<AtomicU32>,
}

/// One request as read from the client: its head lines and its whole body.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Shared {
    fn handle(&self, client: TcpStream) -> std::io::Result<()> {
        if self.down.load(Ordering::SeqCst) {
            return Ok(());
        }
        client.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut writer = client.try_clone()?;
        let mut reader = BufReader::new(client);
        let request = read_request(&mut reader, &mut writer)?;
        let fault = self.decide(&request);
        match fault {
            Some(Fault::Status500) => {
                return answer(&mut writer, "500 Internal Server Error", &[]);
            }
            Some(Fault::TooMany { retry_after }) => {
                let retry = format!("Retry-After: {retry_after}");
                return answer(&mut writer, "429 Too Many Requests", &[&retry]);
            }
            Some(Fault::DieBefore) => return Ok(()),
            Some(Fault::KillBefore) => {
                self.kill();
                return Ok(());
            }
            _ => {}
        }
        let response = self.forward(&request)?;
        match fault {
            Some(Fault::DieAfter) => Ok(()),
            Some(Fault::KillAfter) => {
                self.kill();
                Ok(())
            }
            Some(Fault::DieMidway) => writer.write_all(&response[..response.len() / 2]),
            _ => writer.write_all(&response),
        }
    }

    /// Logs the request and says which fault it gets, if any; a dying fault takes the
    /// proxy down at once, so no request that races it gets through.
    fn decide(&self, request: &Request) -> Option<Fault> {
        let mut state = self.state.lock().unwrap();
        state
            .log
            .push(format!("{} {}", request.method, request.path));
        let rule = state.rule.clone()?;
        let matches =
            |method: &str, path: &str| request.method == method && request.path.contains(path);
        if let Some((method, path, count)) = rule.after {
            let seen = state
                .log
                .iter()
                .filter(|line| {
                    line.split_once(' ')
                        .is_some_and(|(m, p)| m == method && p.contains(path))
                })
                .count();
            // The request that arms the rule is not one it counts.
            if seen < count || (seen == count && matches(method, path)) {
                return None;
            }
        }
        if !matches(rule.method, rule.path) {
            return None;
        }
        state.matched += 1;
        let fault = match rule.fault {
            Fault::Status500 if state.matched >= rule.nth => rule.fault,
            _ if state.matched == rule.nth => rule.fault,
            _ => return None,
        };
        state.fired = true;
        if matches!(
            fault,
            Fault::DieBefore
                | Fault::DieAfter
                | Fault::DieMidway
                | Fault::KillBefore
                | Fault::KillAfter
        ) {
            self.down.store(true, Ordering::SeqCst);
        }
        Some(fault)
    }

    /// Sends the request to the server (one per connection, the body de-chunked) and
    /// reads its whole answer, marked `Connection: close` for the client.
    fn forward(&self, request: &Request) -> std::io::Result<Vec<u8>> {
        let port = self.upstream.load(Ordering::SeqCst) as u16;
        let mut upstream = TcpStream::connect(("127.0.0.1", port))?;
        upstream.set_read_timeout(Some(Duration::from_secs(120)))?;
        let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.path);
        for (name, value) in &request.headers {
            if !is_hop_header(name) && !name.eq_ignore_ascii_case("content-length") {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            request.body.len()
        ));
        upstream.write_all(head.as_bytes())?;
        upstream.write_all(&request.body)?;
        let mut response = Vec::new();
        upstream.read_to_end(&mut response)?;
        Ok(close_response(&response))
    }

    fn kill(&self) {
        let group = self.group.load(Ordering::SeqCst);
        assert!(
            group != 0,
            "a kill fault fired before the test named the group"
        );
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .status();
    }
}

fn is_hop_header(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "expect",
        "te",
        "upgrade",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// The answer's head with its `Connection` headers replaced by `Connection: close`.
fn close_response(response: &[u8]) -> Vec<u8> {
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return response.to_vec();
    };
    let head = String::from_utf8_lossy(&response[..end]);
    let mut out = String::new();
    for line in head.split("\r\n") {
        let name = line.split(':').next().unwrap_or_default().trim();
        if out.is_empty()
            || !(name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive"))
        {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&response[end + 4..]);
    bytes
}

fn answer(client: &mut TcpStream, status: &str, headers: &[&str]) -> std::io::Result<()> {
    let body = format!("{status} (fault injected by the test proxy)\n");
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    client.write_all(head.as_bytes())?;
    client.write_all(body.as_bytes())
}

fn read_line(reader: &mut BufReader<TcpStream>) -> std::io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Reads a request head and its body (by `Content-Length` or chunked), answering
/// `Expect: 100-continue` itself, as the server would.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    client: &mut TcpStream,
) -> std::io::Result<Request> {
    let first = read_line(reader)?;
    let mut parts = first.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut request = Request {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let size = read_line(reader)?;
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("0").trim(), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            if size == 0 {
                while !read_line(reader)?.is_empty() {}
                break;
            }
            let start = request.body.len();
            request.body.resize(start + size, 0);
            reader.read_exact(&mut request.body[start..])?;
            read_line(reader)?;
        }
    } else if let Some(len) = request.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| std::io::Error::other("bad length"))?;
        request.body.resize(len, 0);
        reader.read_exact(&mut request.body)?;
    }
    Ok(request)
}
