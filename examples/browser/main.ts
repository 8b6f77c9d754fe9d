/// <reference lib="dom" />
/**
 * The live page: pick a service from the fetched config, watch its messages arrive (table and
 * rate chart), publish from a form. A password typed here goes into the page's own copy of the
 * config and nowhere else: SINETStream derives the key in the browser.
 */
import {
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
} from 'chart.js';
import { AsyncMessageReader, loadConfigFromUrl, type Message, MessageWriter } from 'sinetstream';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler);

type Mapping = Record<string, unknown>;
const MAX_ROWS = 100;
const CHART_SECONDS = 60;

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const serviceSelect = $<HTMLSelectElement>('service');
const passwordLabel = $('password-label');
const passwordInput = $<HTMLInputElement>('password');
const status = $('status');
const errorLine = $('error');
const publishButton = $<HTMLButtonElement>('publish-button');
const messageInput = $<HTMLInputElement>('message');
const tableBody = $('messages').querySelector('tbody')!;

const configUrl = new URLSearchParams(location.search).get('config') ?? './sinetstream_config.yml';
const document_ = await loadConfigFromUrl(new URL(configUrl, location.href).href);
const services = document_.config as Record<string, Mapping>;
for (const name of Object.keys(services)) serviceSelect.add(new Option(name, name));

/** An encrypted service whose config holds no secret asks for a password. */
function needsPassword(name: string): boolean {
  const service = services[name]!;
  const crypto = (service.crypto ?? {}) as Mapping;
  return service.data_encryption === true && !crypto.password && !crypto.key && !crypto._keys;
}

function showPasswordField(): void {
  passwordLabel.hidden = !needsPassword(serviceSelect.value);
}
serviceSelect.addEventListener('change', showPasswordField);
showPasswordField();

function showError(error: unknown): void {
  const { name, message } = error as Error;
  errorLine.textContent = `${name}: ${message}`;
  errorLine.hidden = false;
}

// Rows are drawn once per frame, however many messages came in it.
let pending: Message<string>[] = [];
let received = 0;
let thisSecond = 0;
function addMessage(message: Message<string>): void {
  received++;
  thisSecond++;
  if (pending.length === 0) requestAnimationFrame(drawRows);
  pending.push(message);
  if (pending.length > MAX_ROWS) pending = pending.slice(-MAX_ROWS);
}
function drawRows(): void {
  for (const message of pending) {
    const row = tableBody.insertRow(0);
    row.insertCell().textContent = new Date(
      message.timestampUs / 1000 || Date.now(),
    ).toLocaleTimeString();
    row.insertCell().textContent = message.topic;
    row.insertCell().textContent = message.value;
  }
  pending = [];
  while (tableBody.rows.length > MAX_ROWS) tableBody.deleteRow(-1);
  $('count').textContent = String(received);
}

const rates = Array.from({ length: CHART_SECONDS }, () => 0);
const chart = new Chart($<HTMLCanvasElement>('rate-chart'), {
  type: 'line',
  data: {
    labels: rates.map((_, i) => `${i - CHART_SECONDS + 1}s`),
    datasets: [{ data: rates, fill: true, borderColor: '#1d5fa8', backgroundColor: '#1d5fa833' }],
  },
  options: {
    animation: false,
    maintainAspectRatio: false,
    plugins: { legend: { display: false } },
    elements: { point: { radius: 0 } },
    scales: { y: { beginAtZero: true } },
  },
});
setInterval(() => {
  rates.push(thisSecond);
  rates.shift();
  $('rate').textContent = String(thisSecond);
  thisSecond = 0;
  chart.update('none');
}, 1000);

let reader: AsyncMessageReader<string> | undefined;
let writer: MessageWriter<string> | undefined;

/** The page's copy of the config, with the typed password in the chosen service only. */
function configFor(name: string): Mapping {
  if (!needsPassword(name)) return document_;
  const service = services[name]!;
  const crypto = { ...(service.crypto as Mapping), password: passwordInput.value };
  return { ...document_, config: { ...services, [name]: { ...service, crypto } } };
}

$('connect').addEventListener('submit', async (event) => {
  event.preventDefault();
  errorLine.hidden = true;
  publishButton.disabled = true;
  await reader?.close();
  await writer?.close();
  const service = serviceSelect.value;
  const options = { service, config: configFor(service) };
  status.textContent = `connecting to ${service}…`;
  try {
    reader = new AsyncMessageReader<string>(options);
    reader.onMessage = addMessage;
    reader.onFailure = showError;
    await reader.open();
    writer = await new MessageWriter<string>(options).open();
    status.textContent = `connected: ${service}`;
    publishButton.disabled = false;
  } catch (error) {
    status.textContent = 'not connected';
    showError(error);
  }
});

$('publish').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await writer?.publish(messageInput.value);
    messageInput.value = '';
  } catch (error) {
    showError(error);
  }
});
