fn main() {
    println!("tyx: {} diagnostics", tyx::check(""));
}
