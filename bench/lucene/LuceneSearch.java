// In-process query latency over an Anserini (Lucene 9.9) index, for bench/run.
// java -cp anserini-fatjar.jar:DIR LuceneSearch INDEX QUERIES REPS
// Each query: classic QueryParser on "contents" with Anserini's default English
// analyzer, AND by default, BM25(k1=0.9, b=0.4), top 10, stored raw text fetched
// (the fat jar ships no Lucene highlighter, so no snippet is built).
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.index.*;
import org.apache.lucene.search.*;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.queryparser.classic.QueryParser;
import io.anserini.analysis.DefaultEnglishAnalyzer;

public class LuceneSearch {
  public static void main(String[] args) throws Exception {
    DirectoryReader reader = DirectoryReader.open(FSDirectory.open(Paths.get(args[0])));
    IndexSearcher searcher = new IndexSearcher(reader);
    searcher.setSimilarity(new BM25Similarity(0.9f, 0.4f));
    List<String> queries = Files.readAllLines(Paths.get(args[1]));
    int reps = Integer.parseInt(args[2]);
    StoredFields stored = searcher.storedFields();
    for (String q : queries) {
      if (q.isBlank()) continue;
      QueryParser parser = new QueryParser("contents", DefaultEnglishAnalyzer.newDefaultInstance());
      parser.setDefaultOperator(QueryParser.Operator.AND);
      StringBuilder sb = new StringBuilder();
      long total = 0;
      try {
        for (int r = 0; r < reps; r++) {
          long t = System.nanoTime();
          Query query = parser.parse(q);
          // count every hit exactly, as the other tools do (Lucene stops counting at 1,000 by default)
          TopScoreDocCollector collector = TopScoreDocCollector.create(10, Integer.MAX_VALUE);
          searcher.search(query, collector);
          TopDocs top = collector.topDocs();
          long chars = 0;
          for (ScoreDoc sd : top.scoreDocs) {
            org.apache.lucene.document.Document d = stored.document(sd.doc);
            String raw = d.get("raw");
            chars += raw == null ? 0 : raw.length();
          }
          if (chars < 0) System.out.print("");
          total = top.totalHits.value;
          double ms = (System.nanoTime() - t) / 1e6;
          if (sb.length() > 0) sb.append(',');
          sb.append(String.format(Locale.ROOT, "%.4f", ms));
        }
        System.out.println("{\"query\": " + quote(q) + ", \"total\": " + total + ", \"ms\": [" + sb + "]}");
      } catch (Exception e) {
        System.out.println("{\"query\": " + quote(q) + ", \"error\": " + quote(e.toString()) + "}");
      }
    }
  }
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
