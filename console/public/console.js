// Masar console: progressive enhancement only. Every page works without this file; with it,
// buttons marked data-confirm ask first. No inline script anywhere (the CSP forbids it).
document.addEventListener('submit', function (event) {
  var form = event.target;
  var button = event.submitter;
  var question = (button && button.getAttribute('data-confirm')) || (form && form.getAttribute('data-confirm'));
  if (question && !window.confirm(question)) event.preventDefault();
});

// Buttons marked data-print (the receipt) print the page; hidden without this file (the browser's own
// print command works then).
document.addEventListener('DOMContentLoaded', function () {
  var buttons = document.querySelectorAll('[data-print]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function () { window.print(); });
  }
});
