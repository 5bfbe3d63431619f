"""CSV import of listings: the file read (`table`), each line turned into the creation body the API
takes (`columns`, `cells`), and the lines written through the listing service (`service`), so the
rules are the API's."""
