import pyrelease_e2e


def test_greet():
    assert pyrelease_e2e.greet("a") == "hello, a"
