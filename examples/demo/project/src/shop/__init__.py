"""A tiny shop, the example project smart-test's demo runs on."""
