fn main() {
    println!("pyrelease-replay {}", env!("CARGO_PKG_VERSION"));
}
