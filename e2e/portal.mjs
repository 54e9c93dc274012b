// The portal in a real browser (Debian's Chromium, headless), as an arts administrator uses it:
// sign in, switch language, import a real vendor file through the wizard, read its diagnostics,
// correct a quarantined row, find the imported show, sign out; an agency plans a tour. Each page visited is also checked
// with axe-core against WCAG 2.1 A and AA. A failed step leaves a screenshot in e2e/failures/.
// With SCREENSHOTS=folder, also saves the pages shown in the README.
//
// Usage: node e2e/portal.mjs http://127.0.0.1:PORT
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.argv[2];
if (!base) {
  console.error('usage: node e2e/portal.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const sample = join(here, '..', 'crates', 'ensemble-ingest', 'tests', 'data', 'vendors', 'generic-tickets-bad.csv');
const screenshots = process.env.SCREENSHOTS;
const failures = join(here, 'failures');
const member = 'deux-rivieres';
const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let audited = 0;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
// The portal's content policy allows no script; axe-core is injected by the tests only.
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
const page = await context.newPage();
let passed = 0;
let current = '';

async function expectText(text) {
  const body = await page.textContent('body');
  if (!body.includes(text)) {
    throw new Error(`"${text}" is not on ${page.url()}`);
  }
}

// The page passes axe-core's WCAG 2.1 A and AA rules (contrast, labels, names, structure).
async function accessible() {
  await page.addScriptTag({ path: axe });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  if (result.violations.length > 0) {
    const found = result.violations.map((v) => `${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    throw new Error(`accessibility of ${page.url()}: ${found.join('; ')}`);
  }
  audited += 1;
}

async function step(name, work) {
  current = name;
  await work();
  passed += 1;
  console.log(`ok - ${name}`);
}

async function shoot(name) {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false });
}

try {
  await step('the pages work under their content policy: styled, nothing refused', async () => {
    const strict = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const plain = await strict.newPage();
    const refused = [];
    plain.on('console', (message) => {
      // What the content policy blocks shows as "Refused to …" (a missing favicon is no concern).
      if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
        refused.push(message.text());
      }
    });
    for (const path of ['/', '/connexion', '/spectacles', '/representations']) {
      const response = await plain.goto(`${base}${path}`);
      const policy = response.headers()['content-security-policy'] || '';
      if (!policy.includes("frame-ancestors 'none'")) throw new Error(`no content policy on ${path}`);
    }
    // The inline stylesheet applies: the header is laid out, not left to the browser's defaults.
    const margin = await plain.evaluate(() => getComputedStyle(document.body).margin);
    if (margin === '8px') throw new Error('the stylesheet was refused');
    if (refused.length) throw new Error(`refused by the browser: ${refused.join(' | ')}`);
    await strict.close();
  });

  await step('anyone reads the agenda and a performance with its linked data, on a phone and a desktop', async () => {
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/`);
      await page.click('a:has-text("Agenda des membres")');
      await expectText('Aucune représentation annoncée');
      await page.fill('#du', '2023-01-01');
      await page.click('form.filters button:has-text("Filtrer")');
      await page.waitForURL(/\/agenda\?/);
      await accessible();
      await page.click('ul.agenda a >> nth=0');
      await page.waitForURL(/\/agenda\/\d+$/);
      await expectText("Retour à l'agenda");
      const graph = JSON.parse(await page.textContent('script[type="application/ld+json"]'));
      if (graph['@graph'][0]['@type'] !== 'Event') throw new Error('no Event in the page');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width) throw new Error(`the page is ${wide} px wide on a ${width} px screen`);
      await accessible();
      // The published files, listed; a crawler asking again with the tag gets 304 and no body.
      await page.click('a:has-text("Retour à l\'agenda")');
      await page.click('a:has-text("Données ouvertes")');
      await expectText('Tout le consortium');
      const listed = await page.evaluate(() => document.documentElement.scrollWidth);
      if (listed > width) throw new Error(`the files page is ${listed} px wide on a ${width} px screen`);
      await accessible();
    }
    const file = await page.request.get(`${base}/donnees-ouvertes/consortium.jsonld`);
    if (file.status() !== 200) throw new Error(`consortium.jsonld: ${file.status()}`);
    const again = await page.request.get(`${base}/donnees-ouvertes/consortium.jsonld`, {
      headers: { 'If-None-Match': file.headers()['etag'] },
    });
    if (again.status() !== 304) throw new Error(`asked again with its tag: ${again.status()}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('the landing page is in French and offers sign-in', async () => {
    await page.goto(`${base}/`);
    if ((await page.getAttribute('html', 'lang')) !== 'fr') throw new Error('not French');
    await expectText('Membres du consortium');
    await accessible();
    await page.click('text=Se connecter');
    await expectText('Mot de passe');
    await accessible();
  });

  await step('sign in with the keyboard', async () => {
    await page.focus('#login');
    await page.keyboard.type(`admin@${member}.example`);
    await page.keyboard.press('Tab');
    await page.keyboard.type('ensemble-demo');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/membres/${member}`);
    await expectText('Diffusion Deux-Rivières');
    await expectText('Ce que le membre détient');
    await accessible();
    await shoot('accueil-membre-fr');
  });

  await step('switch to English and back', async () => {
    await page.click('a[hreflang="en"]');
    await page.waitForLoadState();
    if ((await page.getAttribute('html', 'lang')) !== 'en') throw new Error('not English');
    await expectText('What the member holds');
    await accessible();
    await shoot('member-home-en');
    await page.goto(`${base}/representations`);
    await expectText('Performances');
    await shoot('performances-en');
    await page.goto(`${base}/membres/${member}/importer`);
    await shoot('import-wizard-en');
    await page.click('a[hreflang="fr"]');
    await page.waitForLoadState();
    if ((await page.getAttribute('html', 'lang')) !== 'fr') throw new Error('not back to French');
    await expectText('Importer un fichier');
    await shoot('assistant-importation-fr');
  });

  await step('filter the performances', async () => {
    await page.goto(`${base}/representations`);
    await accessible();
    await shoot('representations-fr');
    const all = await page.textContent('.pager span');
    await page.selectOption('#region', '06');
    await page.click('button:has-text("Filtrer")');
    await page.waitForURL('**/representations?**region=06**');
    const filtered = await page.textContent('.pager span');
    if (all === filtered) throw new Error(`the region filter changed nothing: ${all}`);
  });

  await step('upload a real file and read its diagnostics before importing', async () => {
    await page.goto(`${base}/membres/${member}/importer`);
    await accessible();
    await page.setInputFiles('#file', sample);
    await page.click('button:has-text("Vérifier le fichier")');
    await page.waitForLoadState();
    await expectText('Vérifier avant d\'importer');
    await expectText('Billetterie générique');
    await expectText('Problèmes trouvés');
    await expectText('date-invalid');
    await expectText('Rien n\'est encore enregistré');
    await accessible();
    await shoot('assistant-verification-fr');
  });

  await step('a file over 2 MB goes through the wizard too', async () => {
    const lines = readFileSync(sample, 'latin1').split('\n');
    const [header, ...rows] = lines.filter((line) => line.trim() !== '');
    const large = [header];
    let size = header.length;
    while (size < 3_000_000) {
      for (const row of rows) {
        large.push(row);
        size += row.length + 1;
      }
    }
    const path = join(tmpdir(), `ensemble-e2e-${process.pid}.csv`);
    writeFileSync(path, large.join('\n'), 'latin1');
    await page.goto(`${base}/membres/${member}/importer`);
    await page.setInputFiles('#file', path);
    await page.click('button:has-text("Vérifier le fichier")');
    await page.waitForLoadState();
    unlinkSync(path);
    await expectText('Vérifier avant d\'importer');
    await page.goto(`${base}/membres/${member}/importer`);
    await page.setInputFiles('#file', sample);
    await page.click('button:has-text("Vérifier le fichier")');
    await page.waitForLoadState();
  });

  await step('import, then see the rejected rows', async () => {
    await page.click('button:has-text("Importer")');
    await page.waitForURL(`**/membres/${member}/imports/*`);
    await expectText('generic-tickets-bad.csv');
    await expectText('Lignes rejetées');
    await accessible();
    const body = await page.textContent('body');
    for (const personal of ['a@example.com', 'J1H 5N4']) {
      if (body.includes(personal)) throw new Error(`a personal value is shown: ${personal}`);
    }
  });

  await step('correct the row with an impossible date so that it is imported', async () => {
    await page.goto(`${base}/membres/${member}/quarantaine`);
    await accessible();
    const entry = page.locator('section', { hasText: 'date-invalid' }).first();
    const field = await entry.locator('select').inputValue();
    const options = await entry.locator('select option').allTextContents();
    const dateField = options.find((name) => name.includes('date')) || field;
    await entry.locator('select').selectOption(dateField);
    await entry.locator('input[name="value"]').fill('2026-02-28');
    await entry.locator('button:has-text("Corriger et importer")').click();
    await page.waitForURL('**/quarantaine?fait=*');
    await expectText('La ligne corrigée a été importée');
  });

  await step('find the imported show', async () => {
    await page.goto(`${base}/spectacles`);
    await page.fill('#q', 'Marées');
    await page.click('button:has-text("Filtrer")');
    await page.waitForURL('**/spectacles?**');
    await expectText('Les Marées fictives');
    await page.click('text=Voir les représentations');
    await page.waitForURL('**/representations?**spectacle=**');
    await expectText('Centre culturel');
  });

  await step('the history lists the import with its rollback', async () => {
    await page.goto(`${base}/membres/${member}/imports`);
    await expectText('generic-tickets-bad.csv');
    await expectText('Annuler cette importation');
    await accessible();
    for (const path of ['/spectacles', '/lieux', '/organisations', '/membres', '/compte', `/membres/${member}/utilisateurs`]) {
      await page.goto(`${base}${path}`);
      await accessible();
    }
  });

  await step('share a dataset with another member, then see the audit trail', async () => {
    await page.goto(`${base}/membres/${member}/ententes`);
    await accessible();
    await page.selectOption('#recipient', 'grande-ourse');
    await page.selectOption('#dataset', 'settlements');
    await page.selectOption('#level', 'aggregate');
    await page.selectOption('#purpose', 'reporting');
    await page.click('button:has-text("Créer l\'entente")');
    await page.waitForURL(`**/membres/${member}/ententes`);
    await expectText('Redditions de comptes');
    await expectText('Mettre fin');
    await accessible();
    await page.goto(`${base}/membres/${member}/journal`);
    await expectText('création d\'une entente de partage');
    await expectText('Chaîne intacte');
    await accessible();
  });

  await step('record an incident in the member\'s register', async () => {
    await page.goto(`${base}/membres/${member}/incidents`);
    await accessible();
    await page.fill('#description', 'Liste envoyée au mauvais destinataire');
    await page.fill('#information_concerned', 'Pseudonymes d\'abonnés');
    await page.fill('#people_affected', '12');
    await page.fill('#risk_assessment', 'Faible : pseudonymes seulement');
    await page.fill('#measures_taken', 'Rappel du message');
    await page.click('button:has-text("Inscrire l\'incident")');
    await page.waitForURL(`**/membres/${member}/incidents`);
    await expectText('Liste envoyée au mauvais destinataire');
  });

  await step('read the pooled statistics, hidden figures explained, in French and English', async () => {
    await page.click('a:has-text("Statistiques mutualisées")');
    await page.waitForURL('**/statistiques');
    await expectText('Billets vendus par discipline et canal de vente');
    await expectText('Chiffres masqués');
    await accessible();
    await shoot('statistiques-fr');
    const months = await page.$$eval('#mois option', (options) => options.map((o) => o.value));
    if (months.length < 2) throw new Error(`months offered: ${months}`);
    await page.selectOption('#mois', months[1]);
    await page.click('form.filters button:has-text("Filtrer")');
    await page.waitForURL(`**/statistiques?mois=${months[1]}`);
    await expectText('Règles de diffusion du consortium');
    await page.click('a[hreflang="en"]');
    await page.waitForLoadState();
    await expectText('Tickets sold by discipline and sales channel');
    await accessible();
    await page.click('a[hreflang="fr"]');
    await page.waitForLoadState();
  });

  await step('read the market barometer and the member\'s own audience, on a phone and a desktop, in French and English', async () => {
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/`);
      await page.click('a:has-text("Baromètre")');
      await page.waitForURL('**/barometre');
      await expectText('Offre et demande par région');
      await expectText('Chiffres masqués');
      const seasons = await page.$$eval('#saison option', (options) => options.map((o) => o.value));
      if (seasons.length < 2) throw new Error(`seasons offered: ${seasons}`);
      await page.selectOption('#saison', seasons[1]);
      await page.click('form.filters button:has-text("Filtrer")');
      await page.waitForURL(`**/barometre?saison=${seasons[1]}`);
      await expectText(`saison ${seasons[1]}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width) throw new Error(`the barometer is ${wide} px wide on a ${width} px screen`);
      await accessible();
    }
    await page.goto(`${base}/membres/${member}/publics`);
    await expectText('Nouveaux ou revenants');
    await accessible();
    await page.setViewportSize({ width: 390, height: 900 });
    const narrow = await page.evaluate(() => document.documentElement.scrollWidth);
    if (narrow > 390) throw new Error(`the audience page is ${narrow} px wide on a 390 px screen`);
    await accessible();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${base}/barometre?saison=2025-2026`);
    await page.click('a[hreflang="en"]');
    await page.waitForLoadState();
    await expectText('Supply and demand by region');
    await accessible();
    await page.click('a[hreflang="fr"]');
    await page.waitForLoadState();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('correct a settlement entered once', async () => {
    await page.goto(`${base}/membres/${member}/redditions`);
    await expectText('Redditions saisies');
    await accessible();
    await page.click('table a:has-text("Corriger")');
    await page.waitForURL('**/redditions?representation=*');
    await accessible();
    await page.selectOption('#deal_type', 'flat-fee');
    await page.click('button:has-text("Enregistrer la reddition")');
    await page.waitForURL('**/redditions?enregistree=*');
    await expectText('Reddition enregistrée.');
  });

  await step('open a funder report, then the performances behind a line', async () => {
    await page.goto(`${base}/membres/${member}`);
    await page.click('a:has-text("Rapports aux bailleurs de fonds")');
    await page.waitForURL(`**/membres/${member}/rapports`);
    await page.selectOption('#modele', 'calq');
    await page.selectOption('#periode', '2025-2026');
    await page.click('form.filters button:has-text("Afficher")');
    await page.waitForURL('**/rapports?modele=calq&periode=2025-2026');
    await expectText('Représentations et assistance par territoire');
    await accessible();
    await shoot('rapport-fr');
    await page.click('table a:has-text("Voir")');
    await page.waitForURL('**#detail');
    await expectText('Représentations comptées');
    await accessible();
    const href = await page.getAttribute('a:has-text("Télécharger le classeur Excel")', 'href');
    if (!href || !href.includes('format=xlsx')) throw new Error('no workbook link');
  });

  await step('sign out', async () => {
    await page.click('button:has-text("Se déconnecter")');
    await page.waitForURL(`${base}/`);
    await expectText('Se connecter');
    await page.goto(`${base}/membres/${member}`);
    await page.waitForURL('**/connexion');
  });

  await step('the agency plans a tour, reads its map, carbon summary and a hall report, in French and English, then plans it by coach', async () => {
    await page.goto(`${base}/connexion`);
    await page.fill('#login', 'admin@clair-de-scene.example');
    await page.fill('#password', 'ensemble-demo');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/membres/clair-de-scene');
    await page.click('text=Planification de tournée');
    await expectText('Choisissez un spectacle');
    await page.selectOption('#spectacle', 'la-courtepointe-de-poche');
    await page.fill('#du', '2027-01-10');
    await page.fill('#au', '2027-03-20');
    await page.click('button:has-text("Proposer une tournée")');
    await page.waitForLoadState();
    await expectText('Trois itinéraires à comparer');
    await expectText('Moins de kilomètres et de CO2');
    if ((await page.locator('figure svg').count()) !== 2) throw new Error('no timeline and map');
    await accessible();
    await shoot('tournee-fr');
    await page.click('text=Moins de kilomètres et de CO2');
    await page.waitForLoadState();
    await expectText('Itinéraire · Moins de kilomètres et de CO2');
    const download = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Télécharger les dates (calendrier .ics)'),
    ]).then(([d]) => d);
    if (!download.suggestedFilename().endsWith('.ics')) throw new Error('no calendar');
    await page.click('text=Bilan carbone (une page à imprimer)');
    await page.waitForLoadState();
    await expectText('Bilan carbone de la tournée');
    await expectText('DESNZ 2025');
    await accessible();
    await page.goBack();
    await page.waitForLoadState();
    await page.locator('a:has-text("Salle et fiche technique")').first().click();
    await page.waitForLoadState();
    await expectText('Pourquoi');
    await accessible();
    await page.click('a[hreflang="en"]');
    await page.waitForLoadState();
    await expectText('Hall and rider');
    await accessible();
    await page.click('text=Back to planning');
    await page.waitForLoadState();
    await expectText('Three routes to compare');
    await accessible();
    await page.click('a[hreflang="fr"]');
    await page.waitForLoadState();
    await page.click('summary:has-text("Réglages du plan")');
    await page.fill('#personnes', '12');
    await page.selectOption('#personnes-par', 'coach');
    await page.selectOption('#decor-par', 'truck');
    await page.click('button:has-text("Proposer une tournée")');
    await page.waitForLoadState();
    await expectText('12 personnes en autocar, décor en camion');
    await accessible();
    await page.click('button:has-text("Se déconnecter")');
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/connexion`);
  });

  await step('the coordination opens a rights request and exports it, then reviews the shared referential', async () => {
    await page.fill('#login', 'coordination@ensemble.example');
    await page.fill('#password', 'ensemble-demo');
    await page.click('button:has-text("Se connecter")');
    await page.waitForURL('**/membres');
    await page.goto(`${base}/droits`);
    await accessible();
    await page.selectOption('#kind', 'access');
    await page.fill('#identifier', 'aurele.fictif0@example.com');
    await page.click('button:has-text("Ouvrir la demande")');
    await page.waitForURL('**/droits/*');
    await expectText('Ce que les membres détiennent sur cette personne');
    await accessible();
    const body = await page.textContent('body');
    if (body.includes('aurele.fictif0')) throw new Error('the identifier is shown');
    const download = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Exporter en JSON'),
    ]).then(([d]) => d);
    if (!download.suggestedFilename().endsWith('.json')) throw new Error('no JSON export');
    await page.goto(`${base}/incidents`);
    await expectText('Liste envoyée au mauvais destinataire');
    await accessible();
    await page.goto(`${base}/audit`);
    await expectText('Chaîne intacte');
    await accessible();
    await page.goto(`${base}/referentiel`);
    await expectText('Tenues à part par une règle');
    await accessible();
    await page.click('#lieux ~ ol.pairs button:has-text("Même entité") >> nth=0');
    await page.waitForURL(/\/referentiel#lieux$/);
    if (await page.locator('strong:text-is("même entité")').count() !== 1) throw new Error('the decision is not listed');
    await page.click('button:has-text("Reprendre") >> nth=0');
    await page.waitForURL(/\/referentiel#lieux$/);
    if (await page.locator('strong:text-is("même entité")').count() !== 0) throw new Error('the decision was not taken back');
    await page.click('#lieux ~ ol.pairs a >> nth=0');
    await page.waitForURL(/\/referentiel\/entites\/\d+$/);
    await expectText('Fiche de référence');
    await expectText('Fiches qui la désignent');
    await accessible();
    await page.click('button:has-text("Se déconnecter")');
    await page.waitForURL(`${base}/`);
  });

  await step('the member reads its data maturity beside the consortium\'s, assesses itself again, declares data in its inventory and writes a problem for the workshop', async () => {
    await page.goto(`${base}/connexion`);
    await page.fill('#login', `admin@${member}.example`);
    await page.fill('#password', 'ensemble-demo');
    await page.click('button:has-text("Se connecter")');
    await page.waitForURL(`**/membres/${member}`);
    await page.click('a:has-text("Maturité des données")');
    await page.waitForURL('**/maturite');
    await expectText('Médiane du consortium');
    await expectText('Évaluations précédentes');
    await accessible();
    await page.check('input[name="governance"][value="4"]');
    await page.click('button:has-text("Enregistrer l\'évaluation")');
    await page.waitForURL('**/maturite');
    await expectText('4 : Une politique des données est adoptée');
    await page.click('a[hreflang="en"]');
    await expectText('Data maturity');
    await accessible();
    await page.click('a[hreflang="fr"]');
    await page.goto(`${base}/membres/${member}/referentiel`);
    await expectText('Les fiches de votre membre');
    await accessible();
    await page.goto(`${base}/membres/${member}/donnees-ouvertes`);
    await expectText('Données ouvertes : ce que le membre publie');
    await page.click('button:has-text("Consigner son consentement") >> nth=0');
    await page.waitForURL('**/donnees-ouvertes#personnes');
    await expectText('Consentement consigné le');
    await accessible();
    await page.goto(`${base}/membres/${member}/inventaire`);
    await expectText('Ce que le membre déclare');
    await page.fill('#name', 'Liste d\'envoi fictive');
    await page.check('input[name="category"][value="crm"]');
    await page.check('input[name="category"][value="survey"]');
    await page.fill('#owner', 'Direction des communications');
    await page.selectOption('#format', 'spreadsheet');
    await page.selectOption('#quality', 'partial');
    await page.fill('#records', '1 200');
    await page.click('button:has-text("Ajouter à l\'inventaire")');
    await page.waitForURL('**/inventaire');
    await expectText('Liste d\'envoi fictive');
    await expectText('Relations avec les publics, Sondages');
    await accessible();
    await page.goto(`${base}/guide`);
    await expectText('Où se cachent vos données');
    await accessible();
    await page.goto(`${base}/atelier`);
    await page.fill('#problem-title', 'Les redditions de comptes arrivent en retard');
    await page.click('button:has-text("Ajouter le problème")');
    await page.waitForURL('**/atelier');
    await expectText('Rencontré par un membre');
    await accessible();
    await page.fill('input[id^="solution-"]', 'Saisir les redditions une seule fois');
    await page.click('button:has-text("Proposer")');
    await page.waitForURL('**/atelier');
    await page.click('a:has-text("Saisir les redditions une seule fois")');
    await page.waitForURL('**/atelier/solutions/*');
    await page.fill('#users', 'Les producteurs et les agences');
    await page.fill('#decision', 'Remplir les rapports aux bailleurs de fonds');
    await page.check('input[name="data"][value="Settlement"]');
    await page.selectOption('#feature', 'funder-reports');
    await page.click('button:has-text("Enregistrer le canevas")');
    await page.waitForURL('**/atelier/solutions/*');
    await expectText('Données disponibles');
    await accessible();
    await page.click('button:has-text("Se déconnecter")');
    await page.waitForURL(`${base}/`);
  });

  await step('a person changes their password on the account page, then signs in with it', async () => {
    await page.goto(`${base}/connexion`);
    await page.fill('#login', `analyste@${member}.example`);
    await page.fill('#password', 'ensemble-demo');
    await page.click('button:has-text("Se connecter")');
    await page.waitForURL(`**/membres/${member}`);
    await page.goto(`${base}/compte`);
    await accessible();
    await page.fill('#current', 'ensemble-demo');
    await page.fill('#new', 'une phrase de passe fictive');
    await page.fill('#confirm', 'une phrase de passe fictive');
    await page.click('button:has-text("Changer le mot de passe")');
    await expectText('Reconnectez-vous avec le nouveau');
    await accessible();
    await page.fill('#login', `analyste@${member}.example`);
    await page.fill('#password', 'une phrase de passe fictive');
    await page.click('button:has-text("Se connecter")');
    await page.waitForURL(`**/membres/${member}`);
    await page.click('button:has-text("Se déconnecter")');
    await page.waitForURL(`${base}/`);
  });

  console.log(`E2E: ${audited} pages passed the accessibility checks`);
  console.log(`E2E: ${passed} steps passed`);
} catch (error) {
  mkdirSync(failures, { recursive: true });
  const file = join(failures, `${current.replace(/[^a-z0-9]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  console.error(`not ok - ${current}: ${error.message}`);
  console.error(`screenshot: ${file}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
