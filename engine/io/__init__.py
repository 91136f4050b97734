"""Files: CSV data in and out, and whole sessions saved and opened.

Every reader raises ValueError with the reason for a malformed file (no other exception
escapes) and checks its stated limits (:mod:`.limits`) before the work they bound:

* sessions: :mod:`.session_file` (save, load, open), :mod:`.session_archive` (the zip, read
  with bounded sizes), :mod:`.session_schema` (every field checked);
* CSV: :mod:`.csv_dataset` (``read_csv``, ``inspect_csv``), :mod:`.csv_text` (encoding,
  lines, delimiter, records), :mod:`.csv_cells` (numbers, missing values), :mod:`.csv_scan`
  (the streamed table), :mod:`.csv_columns` (header, types, roles), :mod:`.csv_target`,
  :mod:`.csv_split` (train/test split, ``resplit``), :mod:`.csv_write` (``write_csv``);
* shared: :mod:`.atomic_write` (crash-safe saving), :mod:`.bounded_json` (JSON with limits,
  also for lesson and settings files), :mod:`.json_fields` (checked JSON values),
  :mod:`.user_text` (file text shown in messages).
"""
