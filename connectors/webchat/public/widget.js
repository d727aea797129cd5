// 政务服务智能助手 — the web chat widget. Any page adds it with one tag:
//   <script src="https://HUB/webchat/widget.js" data-title="政务服务智能助手" data-position="right" defer></script>
// data-title     panel title
// data-position  "right" (default) or "left": where the floating button sits
// data-greeting  the first message shown
// data-open      "true": open the panel on load
// data-mode      "page": fill the page instead of floating (the hub's own "/" uses this)
// It talks to the hub the script came from: WebSocket first, the HTTP chat API when the
// socket cannot connect or drops. Its DOM lives in a shadow root, so the host page's CSS
// cannot reach it. Plain browser JavaScript, no build step.
(() => {
  "use strict";
  if (window.GovHubWebchat) return; // embedded twice

  const script = document.currentScript || document.querySelector('script[src*="webchat/widget.js"]');
  const hubBase = new URL("..", script.src); // https://HUB/ (or a path prefix the hub is mounted under)
  const settings = {
    title: script.dataset.title || "政务服务智能助手",
    position: script.dataset.position === "left" ? "left" : "right",
    greeting: script.dataset.greeting || "您好！我是政务服务智能助手。请问您想办什么事？",
    page: script.dataset.mode === "page",
    open: script.dataset.open === "true",
  };

  const TEXT_MAX_LENGTH = 2000;
  const TRANSCRIPT_MAX = 100;
  /** How often a page without a live socket asks for notices (ticket progress, rating requests). */
  const NOTICE_POLL_MS = 30000;

  // A speech bubble, drawn in place: no icon font, no extra request, and no innerHTML
  // (which pages enforcing Trusted Types refuse).
  function chatIcon() {
    const svgNs = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const bubble = document.createElementNS(svgNs, "path");
    bubble.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.append(bubble);
    for (const cx of ["7.5", "12", "16.5"]) {
      const dot = document.createElementNS(svgNs, "circle");
      dot.setAttribute("cx", cx);
      dot.setAttribute("cy", "10.5");
      dot.setAttribute("r", "1.4");
      svg.append(dot);
    }
    return svg;
  }

  // ---- storage: the session survives reloads; the transcript lasts as long as the tab ----
  const keys = {
    session: "govhub.webchat.session",
    elder: "govhub.webchat.elder",
    transcript: "govhub.webchat.transcript",
    open: "govhub.webchat.open",
    noticeAt: "govhub.webchat.noticeAt",
  };
  // Storage can be switched off (private windows, strict settings): the chat still works.
  function load(storage, key) {
    try {
      return window[storage].getItem(key);
    } catch {
      return null;
    }
  }
  function save(storage, key, value) {
    try {
      window[storage].setItem(key, value);
    } catch {
      /* not persisted */
    }
  }

  function randomId() {
    // A message id (the hub answers a resend of the same id from its record); not a session.
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---- transport ----
  // One message = one messageId. A message the socket took but did not answer before it
  // dropped is resent over HTTP with the same id; the hub answers a resend from its record.
  function createTransport(events) {
    // The hub issues the session token (it is the citizen's credential: it shows their
    // tickets) and the widget keeps it, so a reload continues the conversation. It travels
    // in the socket's first frame and the X-Chat-Session header, never in a URL.
    let session = load("localStorage", keys.session) || null;
    let issuing = null; // a token-less HTTP request in flight: the next one waits for its token
    let socket = null;
    let socketReady = false;
    let retryDelay = 1000;
    const pending = new Map(); // messageId → {text, overSocket}

    // Keeps the token the hub answered with: the same, or a new one when ours was not a live session's.
    function adopt(token) {
      if (!token || token === session) return;
      session = token;
      save("localStorage", keys.session, token);
      // A socket that said hello under another session would answer there: reopen it under
      // this one. (One still connecting says hello with the token current when it opens.)
      if (socket && socket.session !== undefined && socket.session !== token) socket.close();
    }

    function connect() {
      const url = new URL("api/chat/ws", hubBase);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      let ws;
      try {
        ws = new WebSocket(url);
      } catch {
        return reconnectLater();
      }
      socket = ws;
      // A proxy that swallows the upgrade can leave the socket connecting forever.
      const giveUp = setTimeout(() => ws.close(), 8000);
      ws.onopen = () => {
        ws.session = session;
        ws.send(JSON.stringify(session ? { type: "hello", session } : { type: "hello" }));
      };
      ws.onmessage = (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        if (frame.type === "session") {
          clearTimeout(giveUp);
          // An HTTP answer gave us a token while this socket said hello without it: reopen under that one.
          if (session && ws.session !== session) {
            retryDelay = 1000;
            return ws.close();
          }
          ws.session = frame.sessionId;
          adopt(frame.sessionId);
          socketReady = true;
          retryDelay = 1000;
          catchUp(); // what arrived while the socket was down
        } else if (frame.type === "typing") {
          if (pending.has(frame.messageId)) events.typing(true);
        } else if (frame.type === "reply") {
          deliver(frame.messageId, frame);
        } else if (frame.type === "notice") {
          events.notice(frame);
        } else if (frame.type === "error") {
          if (frame.code === "busy" && frame.messageId === undefined) return; // too many sockets: it closes, HTTP works
          fail(frame.messageId, frame.code === "busy" ? "busy" : frame.code === "bad_frame" ? "invalid" : "server");
        }
      };
      ws.onclose = () => {
        clearTimeout(giveUp);
        if (socket !== ws) return;
        socket = null;
        socketReady = false;
        for (const [messageId, message] of pending) if (message.overSocket) postMessage(messageId);
        reconnectLater();
      };
    }

    // Notices the hub sent while no socket of this page was open (the page was closed, the
    // socket dropped): asked for after a (re)connect, and every 30 s while only HTTP works.
    async function catchUp() {
      if (!session) return;
      const after = load("localStorage", keys.noticeAt);
      const url = new URL("api/chat/notices", hubBase);
      if (after) url.searchParams.set("after", after);
      try {
        const response = await fetch(url, { headers: { "x-chat-session": session } });
        if (!response.ok) return;
        const body = await response.json();
        for (const notice of body.notices) events.notice(notice);
      } catch {
        // Offline: the next round asks again.
      }
    }
    setInterval(() => {
      if (!socketReady && document.visibilityState !== "hidden") catchUp();
    }, NOTICE_POLL_MS);

    function reconnectLater() {
      // Back off up to 30 s, with jitter so a restarted hub is not hit by every browser at once.
      setTimeout(connect, retryDelay * (0.75 + Math.random() / 2));
      retryDelay = Math.min(retryDelay * 2, 30000);
    }

    async function postMessage(messageId) {
      const message = pending.get(messageId);
      if (!message) return;
      message.overSocket = false;
      events.typing(true);
      // Two token-less requests would start two sessions: the second waits for the first's token.
      while (!session && issuing) await issuing;
      let issued = null;
      if (!session) issuing = new Promise((resolve) => (issued = resolve));
      try {
        const response = await fetch(new URL("api/chat/messages", hubBase), {
          method: "POST",
          headers: { "content-type": "application/json", ...(session && { "x-chat-session": session }) },
          body: JSON.stringify({ text: message.text, messageId }),
        });
        if (response.status === 429) return fail(messageId, "busy");
        if (!response.ok) return fail(messageId, response.status < 500 ? "invalid" : "server");
        const body = await response.json();
        adopt(response.headers.get("x-chat-session") || body.sessionId);
        deliver(messageId, body);
      } catch {
        fail(messageId, "network");
      } finally {
        if (issued) {
          issuing = null;
          issued();
        }
      }
    }

    function deliver(messageId, response) {
      if (!pending.delete(messageId)) return; // already answered over the other transport
      events.typing(pending.size > 0);
      events.reply(response);
    }

    function fail(messageId, reason) {
      if (messageId !== undefined && !pending.delete(messageId)) return;
      events.typing(pending.size > 0);
      events.failed(reason);
    }

    return {
      start() {
        connect();
        catchUp();
      },
      send(text) {
        const messageId = randomId();
        pending.set(messageId, { text, overSocket: socketReady });
        if (socketReady) socket.send(JSON.stringify({ type: "message", text, messageId }));
        else postMessage(messageId);
      },
    };
  }

  async function lookUpTicket(number) {
    const response = await fetch(new URL(`api/tickets/${encodeURIComponent(number)}`, hubBase));
    if (!response.ok) throw new Error(`ticket look-up failed: ${response.status}`);
    return response.json();
  }

  // ---- view ----
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Web addresses in a reply (网上办理：https://…) become links that open in a new tab.
  // Only http(s), built as elements (never innerHTML), so a reply cannot inject markup.
  const URL_PATTERN = /https?:\/\/[^\s，。；、）)"'<>]+/g;
  function linkified(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      if (match.index > last) parts.push(text.slice(last, match.index));
      const link = el("a", "link", match[0]);
      link.href = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parts.push(link);
      last = match.index + match[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  }

  function mount() {
    const host = document.createElement("govhub-webchat");
    host.style.cssText = "all: initial;";
    const shadow = host.attachShadow({ mode: "open" });

    const root = el("div", `root ${settings.page ? "page" : `float ${settings.position}`}`);
    root.hidden = true; // until the stylesheet is in, so nothing flashes unstyled
    const stylesheet = el("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = new URL("webchat/widget.css", hubBase).href;
    stylesheet.onload = stylesheet.onerror = () => (root.hidden = false);

    const launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.append(chatIcon(), "在线咨询");
    launcher.setAttribute("aria-expanded", "false");

    const panel = el("section", "panel");
    panel.setAttribute("role", settings.page ? "main" : "dialog");
    panel.setAttribute("aria-label", settings.title);
    const header = el("header");
    // The full-page chat's one heading is the page's h1; embedded, it sits under the host page's.
    const title = el(settings.page ? "h1" : "h2", "title", settings.title);
    const elderToggle = el("button", "elder-toggle", "长辈模式");
    elderToggle.type = "button";
    elderToggle.title = "大字号、高对比度";
    const close = el("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "关闭");
    header.append(title, elderToggle);
    if (!settings.page) header.append(close);

    const scroller = el("div", "scroller");
    // Reachable with the keyboard, so a long answer can be scrolled without a mouse.
    scroller.tabIndex = 0;
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", "对话记录");
    const log = el("div", "log");
    log.setAttribute("aria-live", "polite");
    const typing = el("div", "msg bot typing");
    typing.setAttribute("aria-label", "正在回复");
    typing.append(el("span", "dot"), el("span", "dot"), el("span", "dot"));
    typing.hidden = true;
    scroller.append(log, typing);

    const form = el("form", "composer");
    const input = el("input", "input");
    input.maxLength = TEXT_MAX_LENGTH;
    input.autocomplete = "off";
    input.enterKeyHint = "send";
    input.placeholder = "请输入您要办的事，如：身份证丢了怎么补办";
    input.setAttribute("aria-label", "输入您的问题");
    const sendButton = el("button", "send", "发送");
    sendButton.type = "submit";
    form.append(input, sendButton);

    panel.append(header, scroller, form);
    if (!settings.page) root.append(launcher);
    root.append(panel);
    shadow.append(stylesheet, root);
    document.body.append(host);

    // ---- transcript ----
    let transcript = [];
    try {
      transcript = JSON.parse(load("sessionStorage", keys.transcript)) || [];
    } catch {
      transcript = [];
    }
    function record(entry) {
      transcript.push(entry);
      transcript = transcript.slice(-TRANSCRIPT_MAX);
      save("sessionStorage", keys.transcript, JSON.stringify(transcript));
    }

    function scrollToEnd() {
      scroller.scrollTop = scroller.scrollHeight;
    }

    function render(entry) {
      // Quick replies answer the latest question only.
      for (const button of log.querySelectorAll(".quick button")) button.disabled = true;
      const bubble = el("div", `msg ${entry.who}${entry.start ? " start" : ""}${entry.guide ? " guide" : ""}`);
      if (entry.guide) bubble.append(...guideParts(entry.guide));
      else bubble.append(...linkified(entry.text));
      if (entry.quickReplies && entry.quickReplies.length > 0) {
        const quick = el("div", "quick");
        for (const option of entry.quickReplies) {
          const button = el("button", "", option.label);
          button.type = "button";
          button.onclick = () => ask(option.text, option.label);
          quick.append(button);
        }
        bubble.append(quick);
      }
      if (entry.ticket) bubble.append(ticketCard(entry));
      log.append(bubble);
      scrollToEnd();
    }

    // A whole guide: its title and one-line summary, then each section folded under a
    // tappable name (native <details>, so the keyboard and screen readers know it).
    function guideParts(guide) {
      const title = el("p", "guide-title", guide.title);
      const summary = el("p", "guide-summary", guide.summary);
      const sections = guide.sections.map((section) => {
        const part = el("details", "guide-section");
        part.append(el("summary", "", section.name));
        const body = el(section.list ? "ol" : "div", "guide-body");
        for (const line of section.lines) {
          // Numbered lines ("1. 身份证") become list items; the list numbers them.
          const row = el(section.list ? "li" : "p");
          row.append(...linkified(section.list ? line.replace(/^\d+\.\s*/, "") : line));
          body.append(row);
        }
        part.append(body);
        return part;
      });
      return [title, summary, ...sections, el("p", "guide-hint", guide.hint)];
    }

    function ticketCard(entry) {
      const card = el("div", "ticket");
      const number = el("div", "ticket-number");
      number.append("工单号 ", el("strong", "", entry.ticket.number));
      const status = el("div", "ticket-status");
      const department = el("div", "ticket-department");
      const check = el("button", "ticket-check", "查询进度");
      check.type = "button";
      const show = () => {
        status.textContent = `状态：${entry.ticket.statusLabel || "已登记"}`;
        department.textContent = entry.ticket.department ? `承办部门：${entry.ticket.department}` : "";
        department.hidden = !entry.ticket.department;
      };
      check.onclick = async () => {
        check.disabled = true;
        try {
          const ticket = await lookUpTicket(entry.ticket.number);
          entry.ticket.status = ticket.status;
          entry.ticket.statusLabel = ticket.statusLabel;
          entry.ticket.department = ticket.department ? ticket.department.name : undefined;
          save("sessionStorage", keys.transcript, JSON.stringify(transcript));
          show();
        } catch {
          status.textContent = "暂时查不到进度，请稍后再试。";
        } finally {
          check.disabled = false;
        }
      };
      show();
      card.append(number, status, department, check);
      return card;
    }

    // A long answer (a whole guide) is read from its start: its title and first lines in
    // view, not its end, which in elder mode would push the title off the screen.
    function showFrom(index) {
      const start = log.children[index];
      if (start) scroller.scrollTop = Math.max(0, start.offsetTop - log.offsetTop - 8);
    }

    function add(entry) {
      record(entry);
      render(entry);
    }

    // ---- behaviour ----
    const transport = createTransport({
      typing(on) {
        typing.hidden = !on;
        scrollToEnd();
      },
      reply(response) {
        const first = log.childElementCount;
        response.replies.forEach((reply, i) => {
          const last = i === response.replies.length - 1;
          add({
            who: "bot",
            text: reply.text,
            guide: reply.guide,
            quickReplies: reply.quickReplies,
            ticket: last ? response.ticket : undefined,
          });
        });
        showFrom(first);
      },
      notice(notice) {
        // The same notice may come over the socket and from a catch-up: shown once.
        if (transcript.some((entry) => entry.noticeId === notice.id)) return;
        for (const reply of notice.replies)
          add({ who: "bot", text: reply.text, quickReplies: reply.quickReplies, noticeId: notice.id });
        const seen = load("localStorage", keys.noticeAt);
        if (!seen || notice.at > seen) save("localStorage", keys.noticeAt, notice.at);
      },
      failed(reason) {
        const text =
          reason === "invalid"
            ? "这条消息没能发送，请检查内容后重新输入。"
            : reason === "busy"
              ? "您发送得太快了，请稍候片刻，等上一条回复后再发送。"
              : reason === "server"
                ? "抱歉，系统暂时繁忙，请稍后再试。"
                : "网络好像断开了，消息没有发出，请检查网络后再试。";
        add({ who: "notice", text });
      },
    });

    function ask(text, shown) {
      add({ who: "me", text: shown || text });
      transport.send(text);
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      ask(text);
      input.focus();
    });

    // The empty start screen: the greeting with the most asked items to tap. A page's own
    // data-greeting wins; without the hub's answer the greeting stands alone.
    async function greet() {
      let start = null;
      try {
        const response = await fetch(new URL("api/chat/start", hubBase));
        if (response.ok) start = await response.json();
      } catch {
        // Offline: the plain greeting.
      }
      if (transcript.length > 0) return; // the citizen spoke first
      const text = script.dataset.greeting || start?.greeting || settings.greeting;
      add({ who: "bot", text, quickReplies: start?.quickReplies, start: true });
    }

    function setElder(on) {
      root.classList.toggle("elder", on);
      elderToggle.setAttribute("aria-pressed", String(on));
      save("localStorage", keys.elder, on ? "1" : "0");
    }
    elderToggle.onclick = () => {
      setElder(!root.classList.contains("elder"));
      scrollToEnd(); // larger text pushes the latest message out of view
    };
    setElder(load("localStorage", keys.elder) === "1");

    function setOpen(open) {
      root.classList.toggle("open", open);
      launcher.setAttribute("aria-expanded", String(open));
      save("sessionStorage", keys.open, open ? "1" : "0");
      if (open) {
        scrollToEnd();
        input.focus();
      }
    }
    launcher.onclick = () => setOpen(true);
    close.onclick = () => {
      setOpen(false);
      launcher.focus();
    };
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !settings.page) close.onclick();
    });

    if (transcript.length === 0) greet();
    else transcript.forEach(render);
    setOpen(settings.page || settings.open || load("sessionStorage", keys.open) === "1");
    transport.start();

    window.GovHubWebchat = { open: () => setOpen(true), close: () => setOpen(false) };
  }

  window.GovHubWebchat = { open() {}, close() {} }; // replaced once mounted
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
