"""The stages of article extraction, one module each, run in order by `server.extract`.

- `tree`: parse the HTML into a BeautifulSoup tree, leaving out subtrees that are never read;
- `walk`: one walk over the tree, turning it into raw text blocks, each in its container;
- `body`: score the containers and choose those that hold the story;
- `boilerplate`: the rules that mark class names, hidden elements and lines as not story;
- `metadata`: title, byline, date, language and URL.

Each stage logs its decisions at DEBUG on the `server.extraction` logger
(`sourcecheck analyze --explain` shows them).
"""
