# Saved as Latin-1 without a coding cookie (AD002).
CURRENCY = "£"
