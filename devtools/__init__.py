"""Development tools: the demo data (`seed_demo`) and the benchmark (`bench_seed`, `bench`).

They are not part of the product: production does not install this app. Settings install it only when
KYOYO_DEVTOOLS is on, when one of its commands is run through manage.py, or under pytest (see
backend/settings.py). They build their rows from the product's own services and pure rule functions, so that a
rule changed in the product changes the demo and the bench with it.
"""
