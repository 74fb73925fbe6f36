-- PostgreSQL twin of ../0007_release_reports_by_show.sql.
-- A show card reads its earlier premiere reports by show, and deleting a show cascades
-- to them: both scanned the whole table without this.
CREATE INDEX release_reports_by_show ON release_reports(show_id, episode);
