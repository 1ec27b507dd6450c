"""What the bot hands over as files: calendar entries (.ics), certificates (PDF), the
competency chart (PNG), registrant exports (CSV/XLSX) and check-in QR codes.

Plain functions from domain values to bytes, with no Telegram imports: the handlers and the
command line decide where the bytes go.
"""
