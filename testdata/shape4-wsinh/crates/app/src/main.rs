fn main() {
    println!("app: {} hooks", app::hooks_for(3));
}
