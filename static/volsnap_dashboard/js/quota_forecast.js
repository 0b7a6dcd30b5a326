/*
 * The Volumes tab's warning when the project's schedules will not fit its
 * quota: asked for once the tab is on the page (drawn with it, or loaded
 * when opened), so that its listing of every scheduled volume never holds
 * up the table.
 */
(function () {
  'use strict';

  function load() {
    $('.volsnap-quota-forecast[data-url]').each(function () {
      var $box = $(this);
      var url = $box.attr('data-url');
      $box.removeAttr('data-url');
      $.ajax({url: url, dataType: 'html'}).done(function (html) {
        $box.html(html);
      });
    });
  }

  horizon.addInitFunction(load);
  // A tab opened later arrives by Ajax.
  $(document).ajaxComplete(function () {
    if ($('.volsnap-quota-forecast[data-url]').length) {
      load();
    }
  });
}());
