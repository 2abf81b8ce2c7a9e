"""WTForms forms: input parsing and field-level validation for the HTML boundary."""
