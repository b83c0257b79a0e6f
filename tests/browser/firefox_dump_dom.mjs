// Opens a local HTML file in the system's headless Firefox over WebDriver BiDi (puppeteer-core,
// no browser download), waits for the dashboard's script to finish, and writes the rendered DOM
// to a file, so dashboard_dom_checks.sh can run the same checks as for Chromium's --dump-dom.
//
// usage: node firefox_dump_dom.mjs <firefox> <page.html> <dom-out.html> [screenshot.png]
//   FINPIPE_COLOR_SCHEME=dark: the page sees prefers-color-scheme: dark (default light).
// Exit 0: DOM written, no page error and no network request; 1: otherwise (reason on stderr).
// The DOM is written even when the page never reports a render status, so the checks can say
// what is missing.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [firefox, pagePath, domOut, shot] = process.argv.slice(2);
if (!firefox || !pagePath || !domOut) {
    console.error('usage: node firefox_dump_dom.mjs <firefox> <page.html> <dom-out.html> [shot.png]');
    process.exit(2);
}

// Anything that is not the page itself (or what its script makes in memory) counts as network.
const local = /^(file|data|blob|about):/;
const deadProxy = '127.0.0.1';

let failed = false;
const profile = await mkdtemp(path.join(os.tmpdir(), 'finpipe-firefox-'));
const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefox,
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1400, height: 2000 },
    timeout: 60000,
    extraPrefsFirefox: {
        // Every http(s) request goes to a proxy that is not there: the page must stand alone.
        'network.proxy.type': 1,
        'network.proxy.http': deadProxy,
        'network.proxy.http_port': 9,
        'network.proxy.ssl': deadProxy,
        'network.proxy.ssl_port': 9,
        'network.proxy.share_proxy_settings': true,
        'network.dns.disablePrefetch': true,
        'network.prefetch-next': false,
        // What prefers-color-scheme says to pages: 0 dark, 1 light.
        'layout.css.prefers-color-scheme.content-override': process.env.FINPIPE_COLOR_SCHEME === 'dark' ? 0 : 1,
    },
});
try {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => { if (!local.test(r.url())) requests.push(r.url()); });
    // An uncaught exception or a blocked load (CSP) is a broken page even if it looks drawn.
    page.on('pageerror', (e) => { console.error(`page error: ${e.message}`); failed = true; });
    page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') console.error(`console.${m.type()}: ${m.text()}`);
    });

    await page.goto(pathToFileURL(path.resolve(pagePath)).href, { waitUntil: 'load', timeout: 30000 });
    try {
        // dashboard.js sets data-status to "ok" or "error" once it has drawn (or failed).
        await page.waitForFunction(() => {
            const s = document.getElementById('render-status');
            return s !== null && s.dataset.status !== 'pending';
        }, { timeout: 15000, polling: 100 });
    } catch (e) {
        console.error(`the page never finished rendering: ${e.message}`);
        failed = true;
    }
    // Two animation frames: let the charts' deferred layout settle, as Chromium's virtual-time
    // budget does.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

    // Firefox hands console arguments over without their contents, so say what the page says.
    const status = await page.evaluate(() => {
        const s = document.getElementById('render-status');
        return s === null ? 'missing' : `${s.dataset.status}: ${s.textContent}`;
    });
    if (!status.startsWith('ok:')) console.error(`render status ${status}`);

    const dom = await page.evaluate(() => '<!DOCTYPE html>\n' + document.documentElement.outerHTML);
    await writeFile(domOut, dom);
    if (shot) {
        await page.screenshot({ path: shot, fullPage: false });
    }
    if (requests.length > 0) {
        console.error(`the page asked the network for: ${requests.join(', ')}`);
        failed = true;
    }
} catch (e) {
    console.error(`firefox: ${e.stack || e}`);
    failed = true;
} finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
