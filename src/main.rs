fn main() {
    std::process::exit(cargo_pyrelease::run(std::env::args_os().collect()));
}
