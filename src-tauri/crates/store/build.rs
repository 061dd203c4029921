//! refinery embeds the migrations at compile time; without this line a new migration file
//! would be silently left out of the binary.
fn main() {
    println!("cargo:rerun-if-changed=../../../migrations/sqlite");
}
