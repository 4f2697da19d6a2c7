"""Bookings: requests, decisions and the no-double-booking guarantee."""
