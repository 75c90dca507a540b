"""On-demand benchmarks (`python -m bench.<name>`), each against its own embedded PostgreSQL."""
