"""Import of the European Medicines Agency's table of medicines (EPARs): medicines and their authorisations."""
