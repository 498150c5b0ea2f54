"""Speed and memory benchmarks of pausesim's engines (run on demand; see README.md)."""
