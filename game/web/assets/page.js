/* The game page's own script, loaded before textual.js (textual-serve's terminal).
 *
 * It points the terminal at this server's websocket, gives the keyboard to the terminal once the game has drawn
 * its first frame (so keys work without a click), and when the connection closes it says why, from the close code
 * the server sent: the player quit, was idle, opened the game in another tab, the room was full, or the server
 * stopped. Nothing from the server is put into the page as HTML.
 */
(function () {
  "use strict";

  var CLOSE = { QUIT: 1000, SHUTDOWN: 1001, IDLE: 4000, REPLACED: 4001, FULL: 4002, FAILED: 4003 };

  function describe(code, body) {
    var idle = body.dataset.idle || "a while";
    var full = body.dataset.full || "Every game this server runs at once is in use.";
    switch (code) {
      case CLOSE.QUIT:
        return ["You have left the game", "It is saved. Play again to carry on where you were: choose Continue.",
          "Play again"];
      case CLOSE.SHUTDOWN:
        return ["The game server has stopped", "Your game was saved. When the server is running again, play again " +
          "and choose Continue.", "Try again"];
      case CLOSE.IDLE:
        return ["Your game was saved and closed", "Nothing happened in it for " + idle + ", so it was saved and " +
          "closed to keep room for other players. Choose Continue to carry on.", "Continue playing"];
      case CLOSE.REPLACED:
        return ["Playing in another tab", "This game was opened in another tab or window, so it was saved and " +
          "closed here: you can play in one place at a time.", "Play here instead"];
      case CLOSE.FULL:
        return ["Every place is taken", full + " Try again in a few minutes.", "Try again"];
      case CLOSE.FAILED:
        return ["The game stopped unexpectedly", "It was saved after your last choice. Try again; if it happens " +
          "again, tell the person running the game.", "Try again"];
      default:
        return ["The connection to the game was lost", "Your game is saved after every choice. Check the network " +
          "connection and try again.", "Reconnect"];
    }
  }

  function showEnded(code) {
    var body = document.body;
    var dialog = document.getElementById("ended");
    if (!dialog || body.classList.contains("-ended")) {
      return;
    }
    var words = describe(code, body);
    body.classList.add("-ended");
    body.dataset.closeCode = String(code);
    document.getElementById("ended-heading").textContent = words[0];
    document.getElementById("ended-text").textContent = words[1];
    var action = document.getElementById("ended-action");
    action.textContent = words[2];
    dialog.hidden = false;
    action.focus();
  }

  // textual.js makes its own WebSocket; wrapping the constructor is how the page learns the close code.
  var NativeWebSocket = window.WebSocket;
  function GameSocket(url, protocols) {
    var socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    socket.addEventListener("close", function (event) { showEnded(event.code); });
    return socket;
  }
  GameSocket.prototype = NativeWebSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) { GameSocket[name] = NativeWebSocket[name]; });
  window.WebSocket = GameSocket;

  function focusTerminal() {
    var input = document.querySelector("#terminal .xterm-helper-textarea");
    if (input && !document.body.classList.contains("-ended")) {
      input.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var terminal = document.getElementById("terminal");
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws";
    // textual.js marks the body "-first-byte" when the game's first frame arrives: then keys can go to it.
    new MutationObserver(function (changes, observer) {
      if (document.body.classList.contains("-first-byte")) {
        observer.disconnect();
        focusTerminal();
      }
    }).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  });
})();
