"""The demo data of `seed_demo`, one module per product app (see devtools/management/commands/seed_demo.py)."""
