"""Patients' data rights and retention: export (art. 15/20), erasure (art. 17), consent withdrawal
and the daily purge of old requests' contents."""
