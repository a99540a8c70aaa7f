fn main() {
    println!("tool: {} rules", tool::default_rules());
}
