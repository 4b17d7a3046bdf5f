// End-to-end tests of the page `newsdex serve` gives, in headless Chromium
// driven by Playwright: search, facet filter and exclusion, date brush,
// paging, article view, URL round trip, and a hostile article whose markup
// must show as text. Screenshots go to target/browser-screenshots/.
//
//   node tests/browser/run.mjs [path/to/newsdex]   (default target/debug/newsdex)
//
// Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM).

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = resolve(process.argv[2] || join(root, "target", "debug", "newsdex"));
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = join(root, "target", "browser-screenshots");
mkdirSync(shots, { recursive: true });
if (!existsSync(binary)) throw new Error(`no newsdex binary at ${binary}; run cargo build first`);
if (!existsSync(browserPath)) throw new Error(`no Chromium at ${browserPath}; apt-get install chromium`);

// An index of the sample corpus, a hostile article and enough dated
// articles to page through.
const work = mkdtempSync(join(tmpdir(), "newsdex-browser-"));
const index = join(work, "index");
const extra = [];
extra.push({
  id: "hostile-1",
  date: "2024-06-01",
  source: "Hostile Herald",
  title: "Pwned <img src=x onerror=\"window.__pwned=1\"> headline",
  body: "Pwned story <script>window.__pwned=1</script> with <b>markup</b> in the text, about China and trade talks in Geneva.",
});
for (let n = 0; n < 45; n++) {
  const month = String((n % 12) + 1).padStart(2, "0");
  extra.push({
    id: `paging-${n}`,
    date: `2023-${month}-${String((n % 27) + 1).padStart(2, "0")}`,
    source: n % 2 ? "Paging Post" : "Paging Daily",
    title: `Harbour report number ${n}`,
    body: `Harbour officials in Rotterdam reported cargo volumes for week ${n}, and port workers in Antwerp answered.`,
  });
}
writeFileSync(join(work, "extra.jsonl"), extra.map((a) => JSON.stringify(a)).join("\n") + "\n");
execFileSync(binary, ["--index", index, "index", "--quiet", join(root, "corpus"), join(work, "extra.jsonl")], { stdio: "inherit" });

const server = spawn(binary, ["--index", index, "serve", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
const base = await new Promise((resolveBase, reject) => {
  let seen = "";
  server.stderr.on("data", (chunk) => {
    seen += chunk;
    const match = seen.match(/listening on (http:\/\/[^\s]+)/);
    if (match) resolveBase(match[1]);
  });
  server.on("exit", (code) => reject(new Error(`newsdex serve exited ${code}: ${seen}`)));
  setTimeout(() => reject(new Error(`newsdex serve did not start: ${seen}`)), 20000);
});

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const failures = [];
let passed = 0;
async function check(name, body) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("dialog", (dialog) => { errors.push("a dialog opened: " + dialog.message()); dialog.dismiss(); });
  try {
    await body(page);
    if (errors.length) throw new Error("page errors: " + errors.join("; "));
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name}: ${error.message}`);
  } finally {
    await page.screenshot({ path: join(shots, name.replace(/[^a-z0-9]+/gi, "-") + ".png"), fullPage: true }).catch(() => {});
    await page.close();
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
const hitCount = (page) => page.locator("li.hit").count();
const summary = (page) => page.locator("#summary").innerText();
async function search(page, query) {
  await page.fill("#q", query);
  await page.press("#q", "Enter");
  await page.waitForFunction(() => !document.querySelector("#summary").textContent.startsWith("Searching"));
}

await check("search shows hits with highlighted snippets", async (page) => {
  await page.goto(base + "/");
  await search(page, "china");
  assert((await hitCount(page)) > 0, "no hits for china");
  assert((await page.locator("li.hit mark").count()) > 0, "no highlighted word");
  assert(/\d+ articles/.test(await summary(page)), "no count in " + (await summary(page)));
  assert(new URL(page.url()).searchParams.get("q") === "china", "the query is not in the URL");
});

await check("a facet filters and another excludes", async (page) => {
  await page.goto(base + "/?q=china");
  await page.waitForSelector("li.hit");
  const before = parseInt((await summary(page)).replace(/,/g, ""), 10);
  await page.locator("#facets ul").first().locator("button.name").first().click();
  await page.waitForFunction(() => new URLSearchParams(location.search).getAll("actor").length === 1);
  await page.waitForSelector("#active .chip");
  const filtered = parseInt((await summary(page)).replace(/,/g, ""), 10);
  assert(filtered <= before && filtered > 0, `filtered ${filtered} of ${before}`);
  const exclude = page.locator("#facets ul").nth(1).locator("button.exclude").first();
  await exclude.click();
  await page.waitForFunction(() => [...new URLSearchParams(location.search).keys()].some((k) => k.startsWith("not-")));
  await page.waitForSelector("#active .chip.not");
  await page.locator("#active .chip.not button").click();
  await page.waitForFunction(() => ![...new URLSearchParams(location.search).keys()].some((k) => k.startsWith("not-")));
});

await check("brushing the timeline filters by date", async (page) => {
  await page.goto(base + "/?q=harbour");
  await page.waitForSelector("#timeline svg");
  const box = await page.locator("#timeline svg").boundingBox();
  await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => new URLSearchParams(location.search).get("from"));
  await page.waitForFunction(() => !document.querySelector("#summary").textContent.startsWith("Searching"));
  const params = new URL(page.url()).searchParams;
  assert(params.get("from") && params.get("to"), "no from/to after brushing: " + page.url());
  const total = parseInt((await summary(page)).replace(/,/g, ""), 10);
  assert(total > 0 && total < 45, `the brushed range holds ${total} of 45 harbour articles`);
});

await check("paging moves through the results", async (page) => {
  await page.goto(base + "/?q=harbour&sort=date");
  await page.waitForSelector("li.hit");
  const first = await page.locator("li.hit").first().getAttribute("data-id");
  await page.click("#next");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("page") === "2");
  await page.waitForFunction((id) => document.querySelector("li.hit") && document.querySelector("li.hit").dataset.id !== id, first);
  await page.keyboard.press("p");
  await page.waitForFunction(() => !new URLSearchParams(location.search).get("page"));
});

await check("the article view shows the whole text and goes back", async (page) => {
  await page.goto(base + "/?q=APT28");
  await page.waitForSelector("li.hit h3 a");
  await page.locator("li.hit h3 a").first().click();
  await page.waitForSelector("article#article .body");
  const body = await page.locator("article#article .body").innerText();
  assert(body.length > 200, "a short body: " + body.length);
  await page.click("#back");
  await page.waitForSelector("li.hit");
  assert(!new URL(page.url()).searchParams.get("article"), "still on the article");
});

await check("the URL holds the whole state", async (page) => {
  const url = base + "/?q=trade&any=true&collapse=true&sort=date&actor=%2Fcountry%2FCHN&not-source=Sample+Gazette";
  await page.goto(url);
  await page.waitForSelector("#active .chip");
  assert((await page.inputValue("#q")) === "trade", "query not restored");
  assert(await page.isChecked("#any"), "any not restored");
  assert(await page.isChecked("#collapse"), "collapse not restored");
  assert((await page.inputValue("#sort")) === "date", "sort not restored");
  assert((await page.locator("#active .chip").count()) === 2, "filters not restored");
  await page.goBack().catch(() => {});
});

await check("a hostile article shows its markup as text", async (page) => {
  await page.goto(base + "/?q=pwned");
  await page.waitForSelector("li.hit");
  const title = await page.locator("li.hit h3 a").first().innerText();
  assert(title.includes("<img src=x"), "the title's markup is not shown as text: " + title);
  assert((await page.locator("#hits img").count()) === 0, "an img element was made from article text");
  await page.locator("li.hit h3 a").first().click();
  await page.waitForSelector("article#article .body");
  const body = await page.locator("article#article .body").innerText();
  assert(body.includes("<script>"), "the body's markup is not shown as text");
  const view = await page.locator("article#article").innerText();
  assert(!/^null$/m.test(view), "a missing field shows as null");
  assert((await page.evaluate(() => window.__pwned)) === undefined, "article markup ran");
});

await check("the page reads on a phone", async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + "/?q=china");
  await page.waitForSelector("li.hit");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 400, `the page is ${width}px wide on a 390px screen`);
});

await browser.close();
server.kill("SIGTERM");
console.log(`${passed} passed, ${failures.length} failed; screenshots in ${shots}`);
process.exit(failures.length ? 1 : 0);
