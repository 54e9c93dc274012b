# Shared referential: one identity for each organisation, place, person and show.

cli-referential-about = Shared referential: who is who, from one source to another
cli-referential-dedupe-about = Gathers the records of a CSV file that mean the same organisation, place, person or show, with the engine and settings of the consortium's shared referential
cli-arg-dedupe-kind = What the records describe: organization, place, person or show
cli-arg-dedupe-input = CSV file of records (record_id and name required; source, alt_names separated by |, street, locality, region, postal_code, lat, lon, url, operator, parent_place, identifiers optional)
cli-arg-dedupe-output = CSV file written: record_id, entity_id (the record that stands for the entity), probability
cli-arg-dedupe-candidates = Also writes every candidate pair that blocking gives to compare (to measure its recall)
cli-arg-dedupe-pairs = Also writes the probable pairs, their decision and each field's weight (to review them)
cli-dedupe-done = { $records } records read, { $entities } entities; { $review } pairs to review, { $conflicts } identifiers carried by distinct entities. Written: { $output }
cli-dedupe-rejected = { $count ->
    [one] { $count } row left out, with its reason, in { $file }
   *[other] { $count } rows left out, with their reasons, in { $file }
}
error-dedupe-kind-unknown = "{ $value }" is not a kind of record: choose organization, place, person or show.
error-dedupe-file-unreadable = The file { $value } cannot be read as CSV: check its path and that it is saved as CSV (UTF-8, commas).
error-dedupe-file-too-large = The file is larger than { $value } MB: split it by source or by region, then process each part.
error-dedupe-columns-missing = The column(s) { $value } are missing: the first row must name at least record_id and name.
error-dedupe-too-many-records = The file holds more than { $value } records: split it by source or by region.
error-dedupe-field-too-long = A value is longer than 2,000 characters: the row is left out.
error-dedupe-record-id-missing = The record_id column is empty: give each record an identifier.
error-dedupe-name-missing = The name column is empty: a record without a name cannot be compared.
error-dedupe-record-id-duplicate = This record_id is already taken by an earlier row: each record has its own.
cli-referential-run-about = Works the shared referential out again from the catalogue's organisations, places, halls, groups, people and shows, keeping the decisions taken
cli-arg-referential-table = One kind of record only: organization, place, hall, group, person or show
cli-referential-run = { $table }: { $records } records, { $entities } entities ({ $new } new); { $review } pairs to decide ({ $provisional } of them joined provisionally), { $held } held apart, { $conflicts } identifier conflicts.
cli-referential-table-organizations = Organisations
cli-referential-table-places = Places
cli-referential-table-halls = Halls
cli-referential-table-performing_groups = Groups
cli-referential-table-persons = People
cli-referential-table-shows = Shows
cli-progress-referential = Shared referential
reconcile-batch-invalid = The batch cannot be read: send a JSON object of queries in the field "queries" (version 0.2), or a JSON object whose key "queries" is a list, to /match (version 1.0).
reconcile-batch-too-large = A batch holds at most 50 queries: split it.
reconcile-type-unknown = The type must be Organization, Place, Hall, PerformingGroup or CreativeWork (a show); people are not offered.
reconcile-extend-invalid = The extension request cannot be read: send a JSON object with the list "ids" of entities and the list "properties" of the properties wanted (each with its "id").
reconcile-query-invalid = Every query needs a name to look for ("query", or a "name" condition in version 1.0).
reconcile-busy = The reconciliation service is scoring other batches: try again in a few seconds.
