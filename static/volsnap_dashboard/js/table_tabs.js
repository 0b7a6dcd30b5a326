/*
 * Volume Protection's tabs hold tables, not a workflow's steps. Horizon's
 * tabs move Tab from a pane's last visible form control to the next tab
 * (and Shift+Tab from its first to the previous tab), which there skips
 * every link after that control: Protect Volumes on an empty table, each
 * row's actions. In these panes the keys keep the browser's own order.
 */
(function () {
  'use strict';

  var TAB_KEY = 9;

  $(function () {
    // Bound on the panes, below the .tab-content where Horizon listens.
    $('.tab-content > .tab-pane[id^="volume_protection__"]')
      .on('keydown', function (evt) {
        if (evt.which === TAB_KEY) {
          evt.stopPropagation();
        }
      });
  });
}());
