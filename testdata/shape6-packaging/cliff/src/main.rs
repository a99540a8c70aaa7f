fn main() {
    println!("{}", cliff::heading("unreleased"));
}
