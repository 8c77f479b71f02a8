"""The patient level (SPEC section 6): one decision from all of a patient's notes."""
from .analyze import analyze_patient, analyze_patients_frame, patient_notes
from .timeline import Evidence, PatientNote, PatientResult, combine

__all__ = ["Evidence", "PatientNote", "PatientResult", "analyze_patient", "analyze_patients_frame", "combine",
           "patient_notes"]
