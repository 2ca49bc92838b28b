package io.github.jobmetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fenced code blocks of a Markdown file, for the tests that keep the README and the guides true.
 */
public final class MarkdownSnippets {

	private MarkdownSnippets() {
	}

	/**
	 * Returns the blocks of one language, in file order.
	 * @param markdown the Markdown file
	 * @param language the first word of the fence's info string, such as {@code yaml} or {@code promql}
	 * @return each block's text and the line (counting from 0) where its text starts
	 * @throws IOException if the file cannot be read
	 */
	public static List<Snippet> of(Path markdown, String language) throws IOException {
		return all(markdown).stream()
			.filter((block) -> block.language().equals(language))
			.map((block) -> new Snippet(block.line(), block.text()))
			.toList();
	}

	/**
	 * Returns every fenced block of a Markdown file, whatever its language, in file order.
	 * @param markdown the Markdown file
	 * @return each block with its language (the first word of the fence's info string, empty when there is none)
	 * @throws IOException if the file cannot be read
	 */
	public static List<Block> all(Path markdown) throws IOException {
		List<String> lines = Files.readAllLines(markdown);
		List<Block> blocks = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String fence = lines.get(i).strip();
			if (fence.startsWith("```")) {
				int start = i + 1;
				int end = start;
				while (!lines.get(end).strip().equals("```")) {
					end++;
				}
				String info = fence.substring(3).strip();
				String language = info.isEmpty() ? "" : info.split("\\s+")[0];
				blocks.add(new Block(markdown, language, start, String.join("\n", lines.subList(start, end))));
				i = end;
			}
		}
		return blocks;
	}

	/**
	 * Splits a block of PromQL queries: each starts after a comment line (or a blank one) and may span several
	 * lines.
	 * @param block the text of a {@code promql} block
	 * @return its queries, each with its line breaks
	 */
	public static List<String> queries(String block) {
		List<String> queries = new ArrayList<>();
		StringBuilder query = new StringBuilder();
		for (String line : (block + "\n#").split("\n")) {
			if (line.strip().startsWith("#") || line.isBlank()) {
				if (!query.isEmpty()) {
					queries.add(query.toString());
					query.setLength(0);
				}
			}
			else {
				query.append(line).append('\n');
			}
		}
		return queries;
	}

	/**
	 * A fenced block.
	 * @param line the line, counting from 0, where its text starts
	 * @param text its text, without the fences
	 */
	public record Snippet(int line, String text) {
	}

	/**
	 * A fenced block of one page.
	 * @param page the Markdown file
	 * @param language the first word of its info string, empty when there is none
	 * @param line the line, counting from 0, where its text starts
	 * @param text its text, without the fences
	 */
	public record Block(Path page, String language, int line, String text) {

		@Override
		public String toString() {
			return "the " + this.language + " block at " + this.page.getFileName() + " line " + (this.line + 1);
		}

	}

}
