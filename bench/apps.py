from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks: a national-scale data set (bench_seed) and the measurements against a real server (bench)."""

    name = "bench"
    verbose_name = "ベンチマーク (benchmarks)"
