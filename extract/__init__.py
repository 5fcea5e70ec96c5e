"""extract: classify pages, find fields, validate and correct them, and give calibrated confidences."""
