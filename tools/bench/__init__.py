"""tools/benchmark's parts: seed the dev cloud (``seeding``), count the
HTTP requests a page load sends (``http_counter``), load pages and time
them (``measure``), describe the machine (``machine``), format the results
(``report``) and put them into doc/benchmarks.rst (``doc``)."""
