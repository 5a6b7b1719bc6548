"""Import of ClinicalTrials.gov's study records, as its search export writes them (CSV)."""
