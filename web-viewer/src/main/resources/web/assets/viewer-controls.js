// The viewer page's controls: statistics panel, picture in picture, full screen, sound, keys.
// The <video> on screen changes with each move to another gateway, so it is asked for each time.

export function setUpControls(getVideo, stage) {
  const unmuteButton = document.getElementById('unmute');
  const pipButton = document.getElementById('pip');
  const fullscreenButton = document.getElementById('fullscreen');
  const statsToggle = document.getElementById('stats-toggle');
  const statsPanel = document.getElementById('stats');

  function toggleStats() {
    statsPanel.hidden = !statsPanel.hidden;
    statsToggle.setAttribute('aria-expanded', String(!statsPanel.hidden));
    statsToggle.textContent = statsPanel.hidden ? 'Stats' : 'Hide stats';
  }
  statsToggle.addEventListener('click', toggleStats);

  if (document.pictureInPictureEnabled) {
    pipButton.hidden = false;
    pipButton.addEventListener('click', () => {
      const request = document.pictureInPictureElement ? document.exitPictureInPicture()
        : getVideo().requestPictureInPicture();
      request.catch(() => {});
    });
  }

  function toggleFullscreen() {
    const request = document.fullscreenElement ? document.exitFullscreen() : stage.requestFullscreen();
    request?.catch?.(() => {});
  }
  fullscreenButton.addEventListener('click', toggleFullscreen);
  document.addEventListener('fullscreenchange', () => {
    fullscreenButton.textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
  });

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    if (event.key === 's') toggleStats();
    else if (event.key === 'm') unmuteButton.click();
    else if (event.key === 'f') toggleFullscreen();
  });

  function updateUnmuteLabel() {
    unmuteButton.textContent = getVideo().muted ? 'Unmute' : 'Mute';
  }

  unmuteButton.addEventListener('click', () => {
    getVideo().muted = !getVideo().muted;
    updateUnmuteLabel(); // volumechange comes a task later; the label should not lag the click
    // A click is the user gesture that allows audible playback if autoplay had been refused.
    getVideo().play().catch(() => {});
  });

  return { updateUnmuteLabel, toggleFullscreen };
}

/** The streams the gateway that served the page carries: with more than one, the viewer may switch. */
export function setUpStreamPicker(streamName) {
  const pickerLabel = document.getElementById('picker-label');
  const picker = document.getElementById('stream-picker');
  // The gateway that served this page says which streams it carries; with more than one, the viewer may switch.
  async function loadGatewayStatus() {
    try {
      const response = await fetch('/api/status', { cache: 'no-store' });
      if (!response.ok) return;
      const status = await response.json();
      const names = (status.streams ?? []).map((s) => s.name);
      if (names.length > 1 || (names.length === 1 && names[0] !== streamName)) {
        const listed = [...picker.options].map((o) => o.value).join('\n');
        if (listed !== names.join('\n')) {
          picker.replaceChildren(...names.map((n) => new Option(n, n, n === streamName, n === streamName)));
        }
        pickerLabel.hidden = false;
      }
    } catch {
      // That gateway is unreachable; the page plays from another one.
    }
  }
  picker.addEventListener('change', () => {
    const next = new URL(location.href);
    next.searchParams.set('stream', picker.value);
    location.assign(next.href);
  });
  document.getElementById('stat-gateway').textContent = location.host;
  loadGatewayStatus();
  setInterval(loadGatewayStatus, 10_000);
}
