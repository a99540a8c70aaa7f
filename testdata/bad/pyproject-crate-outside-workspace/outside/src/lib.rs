pub fn outside() {}
