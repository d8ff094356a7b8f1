"""The daily-life directory (暮らしの情報): clinics, hospitals, parks, child care and shelters."""
