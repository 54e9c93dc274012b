# Refusals of the actions (crates/ensemble-actions), shared by the portal and the command line.
error-settlement-coordination-read-only = The coordination neither enters nor corrects a presenter's settlement: only the performance's presenter does. Ask the presenter to enter it in their portal.
error-settlement-not-yours = Only the performance's presenter enters its settlement, through a person who administers that member. Choose a performance your member presented.
error-record-invalid = A value is not valid: { $detail } Correct it and try again.
error-time-zone-unknown = Unknown time zone: “{ $value }”. Give ENSEMBLE_TIME_ZONE a name from the IANA database, for example America/Toronto for Québec.
