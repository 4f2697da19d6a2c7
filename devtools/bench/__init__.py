"""The benchmark: a national-scale data set (`bench_seed`) and measurements against a real server (`bench`)."""
