fn main() {
    println!("{}", nover::bullet("initial commit"));
}
