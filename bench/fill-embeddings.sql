-- Benchmark only: gives every queued text record the vector of an already embedded record, cycling
-- through the real ones, so semantic search scans as many vectors as if all were embedded.
CREATE TEMP TABLE source AS SELECT row_number() OVER (ORDER BY seq) - 1 AS n, model, vector FROM record_embeddings;
CREATE TEMP TABLE target AS SELECT row_number() OVER (ORDER BY seq) - 1 AS n, seq FROM embedding_queue;
INSERT INTO record_embeddings (seq, model, vector)
    SELECT t.seq, s.model, s.vector FROM target t JOIN source s ON s.n = t.n % (SELECT count(*) FROM source);
DELETE FROM embedding_queue;
