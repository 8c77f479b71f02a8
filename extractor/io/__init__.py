"""Input and output: reading notes for ``extract`` (:mod:`.inputs`) and gold annotation files (:mod:`.gold`)."""
